from typing import Any

from django.core.management.base import BaseCommand

from roadmap.seed import load_roadmap_demo


class Command(BaseCommand):
    help = "Charge la feuille de route de démonstration (comité technique du 5 juin 2024, fiches FA1 à FA4)."

    def handle(self, *args: Any, **options: Any) -> None:
        roadmap = load_roadmap_demo()
        self.stdout.write(f"Feuille de route « {roadmap.title} » : {roadmap.sheets.count()} fiches, publiée.")
