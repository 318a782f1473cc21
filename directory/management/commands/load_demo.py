from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from directory.importers.demo import load_demo


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : le territoire s'il manque, les lieux MedNum BFC de la Nièvre, "
        "les lieux et compléments tirés du compte rendu du comité, le catalogue des financements. Peut être relancée "
        "sans rien dupliquer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo()
        if not report.ok:
            for line in report.lines():
                self.stderr.write(line)
            raise CommandError("Données de démonstration refusées : rien n'a été écrit.")
        for line in report.lines():
            self.stdout.write(line)
        # The funding catalogue's demo schemes, kept by their own app.
        call_command("load_funding_demo", stdout=self.stdout, stderr=self.stderr)
        call_command("load_roadmap_demo", stdout=self.stdout)
        # The library's demo content (themes, answer sheets, the club's first meeting) stands on these places.
        call_command("load_library_demo", stdout=self.stdout)
