"""The funding vocabularies: shipped as data, edited by coordinators, and changed without breaking saved searches.

- A code read from a link, a file or the API is resolved through ``resolve``: the current code, a former code of a
  term (after a rename), or a retired term's replacement.
- ``rename_term`` keeps the old code among the term's former codes: schemes and alerts point to the term, so they
  follow; old links and files still mean the same thing.
- ``retire_term`` takes a term out of use. With a replacement, schemes and alerts move to it; without, alerts lose
  the criterion and their owners are told (a notice on the alert's page, and an email).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from aiguillage.mail import send_after_commit
from funding.models import (
    Alert,
    AlertNotice,
    AlertStatus,
    ChangeKind,
    FundingTerm,
    FundingVocabulary,
    Scheme,
    SchemeChange,
)

VOCABULARIES_FILE = Path(__file__).resolve().parent / "data" / "vocabularies.json"
# The many-to-many fields of schemes and alerts, by vocabulary.
SCHEME_FIELDS = {
    FundingVocabulary.BENEFICIARY: "beneficiaries",
    FundingVocabulary.THEME: "themes",
    FundingVocabulary.EXPENSE: "expenses",
    FundingVocabulary.KIND: "kinds",
    FundingVocabulary.PROGRAMME: "programmes",
}
ALERT_FIELDS = SCHEME_FIELDS


class VocabularyError(ValueError):
    """A change refused: the message is in French."""


def sync_vocabularies(*, using: str = "default") -> int:
    """Create the shipped terms that are missing; never overwrite what coordinators edited nor revive an old code."""
    data = json.loads(VOCABULARIES_FILE.read_text(encoding="utf-8"))["vocabularies"]
    known: set[tuple[str, str]] = set()
    for vocabulary, code, former in FundingTerm.objects.using(using).values_list("vocabulary", "code", "former_codes"):
        known.add((vocabulary, code))
        known |= {(vocabulary, line.strip()) for line in former.splitlines() if line.strip()}
    missing = [
        FundingTerm(
            vocabulary=vocabulary,
            code=entry["code"],
            label=entry["label"],
            synonyms="\n".join(entry.get("synonyms", [])),
            position=position,
        )
        for vocabulary, entries in data.items()
        for position, entry in enumerate(entries)
        if (vocabulary, entry["code"]) not in known
    ]
    with transaction.atomic(using=using):
        FundingTerm.objects.using(using).bulk_create(missing)
    return len(missing)


@dataclass
class Terms:
    """Every term, by vocabulary and code, read once: what forms, importers and the API resolve codes with."""

    by_id: dict[int, FundingTerm] = field(default_factory=dict)
    by_code: dict[tuple[str, str], FundingTerm] = field(default_factory=dict)
    by_former: dict[tuple[str, str], FundingTerm] = field(default_factory=dict)
    by_label: dict[tuple[str, str], FundingTerm] = field(default_factory=dict)
    _active: dict[str, list[FundingTerm]] = field(default_factory=dict, repr=False)
    _choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict, repr=False)
    # The search form's fields for these terms (funding.forms.shared_fields).
    search_fields: Any = field(default=None, repr=False)

    @classmethod
    def load(cls) -> "Terms":
        from aiguillage.lib.text import fold

        terms = cls()
        for term in FundingTerm.objects.select_related("replaced_by"):
            terms.by_id[term.pk] = term
            terms.by_code[(term.vocabulary, term.code)] = term
            for code in term.former_code_list:
                terms.by_former.setdefault((term.vocabulary, code), term)
            for label in [term.label, *term.synonym_list]:
                terms.by_label.setdefault((term.vocabulary, fold(label)), term)
        return terms

    def active(self, vocabulary: str) -> list[FundingTerm]:
        """Terms in use, in their order; read once per vocabulary (the search page asks on every request)."""
        key = str(vocabulary)
        if key not in self._active:
            self._active[key] = sorted(
                (term for term in self.by_id.values() if term.vocabulary == key and term.active),
                key=lambda term: (term.position, term.label),
            )
        return self._active[key]

    def choices(self, vocabulary: str) -> list[tuple[str, str]]:
        key = str(vocabulary)
        if key not in self._choices:
            self._choices[key] = [(term.code, term.label) for term in self.active(key)]
        return self._choices[key]

    def resolve(self, vocabulary: str, code: str) -> FundingTerm | None:
        """The term in use that a code means today, or None."""
        term = self.by_code.get((vocabulary, code)) or self.by_former.get((vocabulary, code))
        seen = set()
        while term is not None and not term.active and term.pk not in seen:
            seen.add(term.pk)
            term = self.by_id.get(term.replaced_by_id) if term.replaced_by_id else None
        return term

    def by_french(self, vocabulary: str, label: str) -> FundingTerm | None:
        from aiguillage.lib.text import fold

        term = self.by_label.get((vocabulary, fold(label)))
        return self.resolve(vocabulary, term.code) if term else None

    def labels(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for term in self.by_id.values():
            found.setdefault(term.vocabulary, {})[term.code] = term.label
        return found


def rename_term(*, term: FundingTerm, actor: User, code: str | None = None, label: str | None = None) -> FundingTerm:
    """Change a term's code or label; the old code stays understood."""
    with transaction.atomic():
        locked = FundingTerm.objects.select_for_update().get(pk=term.pk)
        if code is not None and code != locked.code:
            clash = FundingTerm.objects.filter(vocabulary=locked.vocabulary, code=code).exclude(pk=locked.pk)
            if clash.exists() or not code.isascii() or not code.replace("_", "").isalnum():
                raise VocabularyError(f"Le code « {code} » est déjà pris ou n'est pas un code ASCII simple.")
            locked.former_codes = "\n".join(dict.fromkeys([*locked.former_code_list, locked.code]))
            locked.code = code
        if label is not None and label.strip():
            locked.label = label.strip()
        locked.save()
        return locked


def retire_term(*, term: FundingTerm, actor: User, replacement: FundingTerm | None = None) -> list[Alert]:
    """Take a term out of use, moving schemes and alerts to its replacement or telling alert owners it is gone.

    Returns the alerts whose owners were told that a criterion disappeared.
    """
    if replacement is not None and (replacement.vocabulary != term.vocabulary or replacement.pk == term.pk):
        raise VocabularyError("Le remplaçant doit être un autre terme du même vocabulaire.")
    if replacement is not None and not replacement.active:
        raise VocabularyError("Le remplaçant doit être un terme en usage.")
    field_name = SCHEME_FIELDS[FundingVocabulary(term.vocabulary)]
    told: list[Alert] = []
    with transaction.atomic():
        locked = FundingTerm.objects.select_for_update().get(pk=term.pk)
        if not locked.active:
            raise VocabularyError("Ce terme n'est déjà plus en usage.")
        schemes = list(Scheme.objects.filter(**{field_name: locked}))
        alerts = list(Alert.objects.filter(**{field_name: locked}).exclude(status=AlertStatus.UNSUBSCRIBED))
        for owner in (*schemes, *alerts):
            related = getattr(owner, field_name)
            related.remove(locked)
            if replacement is not None:
                related.add(replacement)
        locked.active = False
        locked.replaced_by = replacement
        locked.save()
        if replacement is not None:
            note = f"« {locked.label} » remplacé par « {replacement.label} »"
        else:
            note = f"« {locked.label} » retiré du vocabulaire"
        _record_vocabulary_change_for(schemes, actor, note)
        for alert in alerts:
            if replacement is not None:
                message = (
                    f"Le critère « {locked.label} » a été remplacé par « {replacement.label} » : votre alerte suit "
                    "le nouveau terme."
                )
            else:
                message = (
                    f"Le critère « {locked.label} » n'existe plus : votre alerte continue sans lui. Vous pouvez la "
                    "recréer avec d'autres critères."
                )
                told.append(alert)
            AlertNotice.objects.create(alert=alert, message=message)
        _tell_owners(told, locked)
    return told


def _record_vocabulary_change_for(schemes: Iterable[Scheme], actor: User, note: str) -> None:
    schemes = list(schemes)
    SchemeChange.objects.bulk_create(
        SchemeChange(scheme=scheme, actor=actor, kind=ChangeKind.VOCABULARY, note=note[:300]) for scheme in schemes
    )
    if schemes:
        Scheme.objects.filter(pk__in=[scheme.pk for scheme in schemes]).update(updated_at=timezone.now())


def _tell_owners(alerts: list[Alert], term: FundingTerm) -> None:
    from funding.alerts import manage_url

    for alert in alerts:
        if alert.status != AlertStatus.ACTIVE:
            continue
        send_after_commit(
            to=[alert.email],
            template="funding/email/criterion_removed",
            context={"alert": alert, "term": term, "manage_url": manage_url(alert)},
        )
