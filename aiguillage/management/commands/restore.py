from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiguillage.backup import BackupError, restore


class Command(BaseCommand):
    help = "Remplace le contenu de la base par une sauvegarde faite avec « backup »."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="fichier de sauvegarde")
        parser.add_argument("--oui", action="store_true", help="ne pas demander de confirmation")

    def handle(self, *args: object, source: str, oui: bool, **options: object) -> None:
        if not oui:
            answer = input("Tout le contenu actuel de la base sera remplacé. Continuer ? [oui/non] ")
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée.")
        try:
            kept = restore(Path(source))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Base restaurée depuis {source}.")
        for prefix, last in sorted(kept.items()):
            self.stdout.write(f"Références {prefix} : la suivante sera au-delà de {last}.")
