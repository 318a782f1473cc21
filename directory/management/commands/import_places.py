import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.importers.files import import_file
from directory.importers.registry import FORMATS, UnknownFormat


class Command(BaseCommand):
    help = (
        "Importe des lieux depuis un fichier. Tout est vérifié avant d'écrire : "
        "un fichier avec une erreur est refusé en entier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Fichier à importer (« - » pour l'entrée standard).")
        parser.add_argument(
            "--format",
            default="native",
            choices=FORMATS.readable(),
            help="Format du fichier (par défaut : native, le format JSON du projet).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Tout vérifier et compter, sans rien écrire.")
        parser.add_argument(
            "--departement",
            action="append",
            default=[],
            help="Ne garder que les lieux de ce département (répétable, ou séparés par des virgules).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["file"])
        departements = [code for value in options["departement"] for code in value.split(",") if code.strip()]
        actor = f"import_places ({os.environ.get('USER') or 'inconnu'})"
        try:
            report = import_file(
                data,
                format_name=options["format"],
                actor=actor,
                dry_run=options["dry_run"],
                departements=departements,
            )
        except UnknownFormat as error:
            raise CommandError(str(error)) from None
        for line in report.details():
            self.stderr.write(line)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire « {name} » : {error.strerror}") from None
