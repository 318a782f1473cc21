from typing import Any

from django.core.management.base import BaseCommand

from library.demo import load_library_demo


class Command(BaseCommand):
    help = (
        "Charge le contenu de démonstration des ressources : les thèmes, une douzaine de fiches réponses à relire "
        "et la première rencontre du club innovation. Peut être relancée sans rien dupliquer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for line in load_library_demo():
            self.stdout.write(line)
