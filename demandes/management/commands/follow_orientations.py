from django.core.management.base import BaseCommand

from aiguillage.locks import single_run_command
from demandes.follow_up import follow_orientations


class Command(BaseCommand):
    help = "Relance les lieux qui n'ont pas répondu et remet dans la file les orientations expirées (chaque jour)."

    @single_run_command
    def handle(self, *args: object, **options: object) -> None:
        report = follow_orientations()
        self.stdout.write(f"{report.reminded} relance(s), {report.expired} orientation(s) expirée(s).")
