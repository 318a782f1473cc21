from django.core.management.base import BaseCommand

from aiguillage.locks import single_run_command
from directory.freshness import send_reminders


class Command(BaseCommand):
    help = "Rappelle aux gestionnaires les fiches à revérifier et envoie la synthèse aux coordinateurs (chaque jour)."

    @single_run_command
    def handle(self, *args: object, **options: object) -> None:
        report = send_reminders()
        self.stdout.write(
            f"{report.reminded_places} fiche(s) rappelée(s) en {report.emails} courriel(s) ; "
            f"synthèse des coordinateurs {'envoyée' if report.digest_sent else 'non envoyée'}."
        )
