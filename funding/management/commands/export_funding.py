from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from funding.exchange.csv_format import write_csv
from funding.models import Scheme
from funding.writing import record_of


class Command(BaseCommand):
    help = "Exporte tout le catalogue des financements au format CSV du projet (« - » : sortie standard)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        schemes = Scheme.objects.prefetch_related(
            "funders", "areas", "programmes", "kinds", "beneficiaries", "themes", "expenses"
        ).select_related("parent")
        text = write_csv(record_of(scheme) for scheme in schemes)
        if options["file"] == "-":
            self.stdout.write(text, ending="")
        else:
            Path(options["file"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"{schemes.count()} dispositifs écrits dans {options['file']}.")
