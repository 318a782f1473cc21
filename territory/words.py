"""Keep CommuneWord (each commune's name from each of its words on) in step with the communes."""

from collections.abc import Iterable

from django.db import connection, transaction

from territory.models import Commune, CommuneWord, name_suffixes

BATCH = 5000


def refresh_words(commune_ids: Iterable[int] | None = None) -> int:
    """Rewrite the words of these communes (all of them when None); returns the rows written."""
    communes = Commune.objects.order_by("pk")
    words = CommuneWord.objects.all()
    if commune_ids is not None:
        ids = list(commune_ids)
        communes, words = communes.filter(pk__in=ids), words.filter(commune_id__in=ids)
    rows = [
        (text, pk)
        for pk, search_name in communes.values_list("pk", "search_name")
        for text in name_suffixes(search_name)
    ]
    quote = connection.ops.quote_name
    sql = f"INSERT INTO {quote(CommuneWord._meta.db_table)} ({quote('text')}, {quote('commune_id')}) VALUES (%s, %s)"
    with transaction.atomic():
        words.delete()
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)


def commune_saved(sender: type, instance: Commune, raw: bool = False, **kwargs: object) -> None:
    if not raw:
        refresh_words([instance.pk])
