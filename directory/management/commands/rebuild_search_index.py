import time

from django.core.management.base import BaseCommand

from directory import index
from directory.importers.writer import counted


class Command(BaseCommand):
    help = (
        "Recalcule l'index de recherche (points et profils des lieux) à partir des fiches. "
        "Utile après une écriture directe en base ou un changement des points des communes."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument(  # type: ignore[attr-defined]
            "--check", action="store_true", help="Dire seulement si l'index est à jour, sans le modifier."
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["check"]:
            if index.is_consistent():
                self.stdout.write("L'index de recherche est à jour.")
                return
            self.stdout.write("L'index de recherche n'est pas à jour : lancez cette commande sans --check.")
            raise SystemExit(1)
        started = time.perf_counter()
        count = index.rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Index de recherche recalculé : {counted(count, 'lieu', 'lieux')} en {elapsed:.1f} s.")
