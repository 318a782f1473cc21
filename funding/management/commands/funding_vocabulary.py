from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from funding.models import FundingTerm, FundingVocabulary
from funding.vocabularies import VocabularyError, rename_term, retire_term


class Command(BaseCommand):
    help = (
        "Change un terme des vocabulaires des financements sans casser les alertes : « rename » change son code ou "
        "son libellé (l'ancien code reste compris), « retire » le retire, en reportant schémas et alertes sur un "
        "remplaçant ou en prévenant les propriétaires des alertes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rename", "retire"])
        parser.add_argument("vocabulary", choices=FundingVocabulary.values)
        parser.add_argument("code")
        parser.add_argument("--new-code", help="rename : le nouveau code")
        parser.add_argument("--label", help="rename : le nouveau libellé")
        parser.add_argument("--replacement", help="retire : le code du terme qui le remplace")
        parser.add_argument("--actor", required=True, help="adresse du coordinateur qui agit")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email=options["actor"].lower(), is_active=True).first()
        if actor is None or not actor.is_coordinator:
            raise CommandError("Seul un coordinateur peut changer un vocabulaire : --actor inconnu ou sans ce rôle.")
        term = FundingTerm.objects.filter(vocabulary=options["vocabulary"], code=options["code"]).first()
        if term is None:
            raise CommandError(f"Terme inconnu : {options['vocabulary']} « {options['code']} ».")
        try:
            if options["action"] == "rename":
                if not options["new_code"] and not options["label"]:
                    raise CommandError("Donnez --new-code ou --label.")
                term = rename_term(term=term, actor=actor, code=options["new_code"], label=options["label"])
                self.stdout.write(
                    f"Terme renommé : {term.label} ({term.code}) ; anciens codes : {term.former_codes or '—'}."
                )
                return
            replacement = None
            if options["replacement"]:
                replacement = FundingTerm.objects.filter(
                    vocabulary=options["vocabulary"], code=options["replacement"]
                ).first()
                if replacement is None:
                    raise CommandError(f"Remplaçant inconnu : « {options['replacement']} ».")
            told = retire_term(term=term, actor=actor, replacement=replacement)
        except VocabularyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Terme retiré ; {len(told)} propriétaire(s) d'alerte prévenu(s).")
