from typing import Any

from django.core.management.base import BaseCommand

from aiguillage.locks import single_run_command
from funding.alerts import send_digests


class Command(BaseCommand):
    help = (
        "Envoie les lettres des alertes financements qui sont dues (au plus une par alerte tous les sept jours, "
        "et seulement s'il y a du nouveau). À lancer chaque jour."
    )

    @single_run_command
    def handle(self, *args: Any, **options: Any) -> None:
        report = send_digests()
        self.stdout.write(
            f"Lettres : {report.sent} envoyée(s), {report.nothing_to_say} sans nouveauté, "
            f"{report.not_due} pas encore dues."
        )
