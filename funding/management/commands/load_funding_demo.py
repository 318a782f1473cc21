from typing import Any

from django.core.management.base import BaseCommand, CommandError

from funding.demo import load_funding_demo


class Command(BaseCommand):
    help = (
        "Charge le catalogue de démonstration des financements (France Numérique Ensemble, conseillers numériques, "
        "FEDER et LEADER, tiers-lieux et fablabs, Banque des Territoires, chambres consulaires…), marqué à vérifier. "
        "Peut être relancée sans rien dupliquer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_funding_demo()
        for line in report.lines():
            (self.stdout if report.ok else self.stderr).write(line)
        if not report.ok:
            raise CommandError("Catalogue de démonstration refusé : rien n'a été écrit.")
