from typing import Any

from django.core.management.base import BaseCommand

from library.actions.watch import send_digests


class Command(BaseCommand):
    help = (
        "Envoie la lettre mensuelle de la veille aux membres qui l'ont confirmée (à lancer chaque jour : "
        "chacun la reçoit au plus une fois par mois, et pas de lettre vide)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent, skipped = send_digests()
        self.stdout.write(f"Lettres envoyées : {sent}, sans envoi : {skipped}.")
