from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funding.exchange import aides_territoires, csv_format
from funding.exchange.importer import import_records

FORMATS = ("csv", "aides-territoires")


class Command(BaseCommand):
    help = (
        "Importe des dispositifs de financement : le CSV du projet (docs/format-financements.md) ou un export de "
        "l'API d'Aides-territoires (JSON). Tout ou rien ; réimporter met à jour au lieu de dupliquer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--dry-run", action="store_true", help="tout vérifier, ne rien écrire")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Aides-territoires : publier les dispositifs nouveaux (sinon brouillons)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Lecture impossible de {path} : {error}") from None
        if options["format"] == "csv":
            records, problems = csv_format.read_csv(text)
            warnings: list[str] = []
            keep: tuple[str, ...] = ()
            label = f"import CSV {path.name}"
        else:
            records, problems, warnings = aides_territoires.records_of(text, publish=options["publish"])
            keep = aides_territoires.KEPT_ON_UPDATE
            label = f"import Aides-territoires {path.name}"
        if problems:
            for problem in problems:
                self.stderr.write(f"Erreur : {problem}")
            raise CommandError(f"Fichier refusé : {len(problems)} erreur(s), rien n'a été écrit.")
        report = import_records(records, actor_label=label, dry_run=options["dry_run"], keep=keep, warnings=warnings)
        for line in report.lines():
            (self.stdout if report.ok else self.stderr).write(line)
        if not report.ok:
            raise CommandError("Fichier refusé : rien n'a été écrit.")
