from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiguillage.backup import BackupError, backup, prune
from aiguillage.locks import single_run_command


class Command(BaseCommand):
    help = (
        "Sauvegarde la base (pg_dump pour PostgreSQL, copie en ligne pour SQLite) et garde les BACKUP_KEEP dernières."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", nargs="?", help="fichier ou dossier (par défaut BACKUP_DIR)")
        parser.add_argument("--keep", type=int, default=None, help="sauvegardes gardées dans le dossier")

    @single_run_command
    def handle(self, *args: object, destination: str | None, keep: int | None, **options: object) -> None:
        folder = Path(destination) if destination else Path(settings.BACKUP_DIR)
        if destination is None:
            folder.mkdir(parents=True, exist_ok=True)
        try:
            written = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sauvegarde écrite : {written} ({written.stat().st_size} octets)")
        if written.parent.is_dir():
            for path in prune(written.parent, keep=settings.BACKUP_KEEP if keep is None else keep):
                self.stdout.write(f"Ancienne sauvegarde supprimée : {path}")
