from django.db import migrations


def enable_wal(apps, schema_editor):
    from aiguillage.sqlite import enable_wal

    enable_wal(schema_editor.connection)


class Migration(migrations.Migration):
    # SQLite cannot change its journal mode inside a transaction.
    atomic = False

    dependencies = []

    operations = [migrations.RunPython(enable_wal, migrations.RunPython.noop, elidable=False)]
