from typing import Any

from django.core.management.base import BaseCommand

from library.feed_import import import_source
from library.models import FeedSource


class Command(BaseCommand):
    help = "Relève les flux RSS et Atom suivis par le club ; les nouveaux articles attendent la relecture d'un membre."

    def handle(self, *args: Any, **options: Any) -> None:
        for source in FeedSource.objects.filter(active=True):
            created = import_source(source)
            status = f"erreur : {source.last_error}" if source.last_error else f"{created} nouveau(x) article(s)"
            self.stdout.write(f"{source.title} : {status}")
