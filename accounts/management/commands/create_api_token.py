"""Create an organisation's API token and print it: the only time the secret is ever shown."""

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import ApiToken, Organisation

RNA = re.compile(r"^W\d{9}$", re.IGNORECASE)


class Command(BaseCommand):
    help = "Crée un jeton d'API pour une organisation et l'affiche (une seule fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="Identifiant, SIRET ou RNA de l'organisation.")
        parser.add_argument("--name", required=True, help="Nom du jeton : l'outil ou le partenaire qui l'utilise.")

    def handle(self, *args: object, organisation: str, name: str, **options: object) -> None:
        found = find_organisation(organisation.strip())
        if not name.strip():
            raise CommandError("Donnez un nom au jeton (--name).")
        token, key = ApiToken.issue(organisation=found, name=name)
        self.stderr.write(
            f"Jeton « {token.name} » créé pour {found.name}. Copiez-le maintenant : il ne sera plus affiché."
        )
        self.stdout.write(key)


def find_organisation(value: str) -> Organisation:
    if value.isdigit() and len(value) == 14:
        lookup = {"siret": value}
    elif RNA.match(value):
        lookup = {"rna": value.upper()}
    elif value.isdigit():
        lookup = {"pk": int(value)}
    else:
        raise CommandError(f"« {value} » n'est ni un identifiant, ni un SIRET, ni un RNA.")
    try:
        return Organisation.objects.get(**lookup)
    except Organisation.DoesNotExist:
        raise CommandError(f"Aucune organisation ne correspond à « {value} ».") from None
