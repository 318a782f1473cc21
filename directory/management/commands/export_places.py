from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.importers.files import export_with_report
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
        data, left_out = export_with_report(format_name=options["format"], queryset=places)
        written = place_format.selects(places) if place_format.selects else places
        name = options["file"]
        pairs = written.order_by().values_list("source", "licence").distinct()
        notices = [credit["notice"] for credit in credit_entries(pairs)]
        if name == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
            for line in [*left_out, *notices]:
                self.stderr.write(line)
            return
        try:
            Path(name).write_bytes(data)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire « {name} » : {error.strerror}") from None
        self.stdout.write(f"{counted(written.count(), 'lieu exporté', 'lieux exportés')} dans {name}.")
        for line in left_out:
            self.stdout.write(line)
        for notice in notices:
            self.stdout.write(notice)
