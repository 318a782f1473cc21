from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aiguillage.locks import single_run_command
from roadmap.snapshots import take_snapshots


class Command(BaseCommand):
    help = "Relève la valeur des indicateurs calculés (chaque mois ; relancer le même jour remplace le relevé)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="AAAA-MM-JJ (par défaut : aujourd'hui)")

    @single_run_command
    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("Date attendue au format AAAA-MM-JJ.") from None
        taken = take_snapshots(on=on)
        self.stdout.write(f"{taken} indicateur(s) relevé(s) au {on:%d/%m/%Y}.")
