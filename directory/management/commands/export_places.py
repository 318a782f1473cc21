from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.importers.files import export_file
from directory.importers.registry import FORMATS
from directory.importers.writer import counted
from directory.models import Place


class Command(BaseCommand):
    help = "Exporte tous les lieux dans un fichier, avec les licences et crédits des sources qu'il contient."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Fichier à écrire (« - » pour la sortie standard).")
        parser.add_argument(
            "--format",
            default="native",
            choices=FORMATS.writable(),
            help="Format du fichier (par défaut : native, le format JSON du projet).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = export_file(format_name=options["format"])
        name = options["file"]
        if name == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            Path(name).write_bytes(data)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire « {name} » : {error.strerror}") from None
        count = Place.objects.count()
        self.stdout.write(f"{counted(count, 'lieu exporté', 'lieux exportés')} dans {name}.")
