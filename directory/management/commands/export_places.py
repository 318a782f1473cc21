from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.importers.files import export_file
from directory.importers.licences import credit_entries
from directory.importers.registry import FORMATS
from directory.importers.writer import counted
from directory.models import Place


class Command(BaseCommand):
    help = (
        "Exporte les lieux dans un fichier, avec les licences et crédits des sources qu'il contient. "
        "Les formats ouverts (standard national, data·inclusion, GeoJSON) laissent de côté les lieux fermés "
        "définitivement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Fichier à écrire (« - » pour la sortie standard).")
        parser.add_argument(
            "--format",
            default="native",
            choices=FORMATS.writable(),
            help="Format du fichier (par défaut : native, le format JSON du projet).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        place_format = FORMATS.get(options["format"])
        # The open-data formats leave out places closed for good.
        places = Place.objects.public() if place_format.public_only else Place.objects.all()
        data = export_file(format_name=options["format"], queryset=places)
        name = options["file"]
        notices = [
            credit["notice"] for credit in credit_entries(places.order_by().values_list("source", "licence").distinct())
        ]
        if name == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
            for notice in notices:
                self.stderr.write(notice)
            return
        try:
            Path(name).write_bytes(data)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire « {name} » : {error.strerror}") from None
        self.stdout.write(f"{counted(places.count(), 'lieu exporté', 'lieux exportés')} dans {name}.")
        for notice in notices:
            self.stdout.write(notice)
