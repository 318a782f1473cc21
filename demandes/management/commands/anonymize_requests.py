from django.core.management.base import BaseCommand

from aiguillage.locks import single_run_command
from demandes.privacy import anonymize_expired, purge_access_log


class Command(BaseCommand):
    help = (
        "Anonymise les demandes clôturées depuis plus longtemps que la durée de conservation, "
        "et purge le journal des consultations de coordonnées (chaque jour)."
    )

    @single_run_command
    def handle(self, *args: object, **options: object) -> None:
        count = anonymize_expired()
        self.stdout.write(f"{count} demande(s) anonymisée(s).")
        purged = purge_access_log()
        self.stdout.write(f"{purged} consultation(s) de coordonnées effacée(s) (durée de conservation dépassée).")
