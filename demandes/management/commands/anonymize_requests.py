from django.core.management.base import BaseCommand

from demandes.privacy import anonymize_expired


class Command(BaseCommand):
    help = "Anonymise les demandes clôturées depuis plus longtemps que la durée de conservation (chaque jour)."

    def handle(self, *args: object, **options: object) -> None:
        count = anonymize_expired()
        self.stdout.write(f"{count} demande(s) anonymisée(s).")
