"""Schemes for tests, written through the same function as the edit form and the importers."""

import datetime as dt
import itertools
from decimal import Decimal

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from funding.exchange.records import FunderData, SchemeRecord
from funding.models import Scheme
from funding.writing import save_record
from funding_match.calendar import MonthDay

_counter = itertools.count(1)
LUZY = "58149"
NEVERS = "58194"
AUXERRE = "89024"
BAZOIS_LOIRE_MORVAN = "200067882"
BFC = "27"


def make_scheme(
    *,
    title: str | None = None,
    perimeter: tuple[str, ...] = ("departement:58",),
    beneficiaries: tuple[str, ...] = (),
    themes: tuple[str, ...] = (),
    expenses: tuple[str, ...] = (),
    kinds: tuple[str, ...] = ("grant",),
    programmes: tuple[str, ...] = (),
    funders: tuple[tuple[str, str], ...] = (("Département de la Nièvre", "departement"),),
    status: str = "published",
    window: tuple[tuple[int, int], tuple[int, int]] | None = None,
    amount_floor: str | None = None,
    amount_ceiling: str | None = None,
    actor: User | None = None,
    **fields: object,
) -> Scheme:
    number = next(_counter)
    if window is not None:
        fields.setdefault("recurrence", "yearly")
        fields["window_start"] = MonthDay(*window[0])
        fields["window_end"] = MonthDay(*window[1])
    record = SchemeRecord(
        source=str(fields.pop("source", "tests")),
        source_id=str(fields.pop("source_id", f"scheme-{number}")),
        title=title or f"Dispositif {number}",
        summary=str(fields.pop("summary", "Un dispositif pour les tests.")),
        status=status,
        funders=tuple(FunderData(name=name, level=level) for name, level in funders),
        perimeter=perimeter,
        beneficiaries=beneficiaries,
        themes=themes,
        expenses=expenses,
        kinds=kinds,
        programmes=programmes,
        amount_floor=Decimal(amount_floor) if amount_floor else None,
        amount_ceiling=Decimal(amount_ceiling) if amount_ceiling else None,
        source_url=str(fields.pop("source_url", "https://example.org/dispositif")),
        **fields,  # type: ignore[arg-type]
    )
    scheme, _ = save_record(record=record, actor=actor)
    return scheme


def make_user(email: str, role: str | None = None, *, organisation: Organisation | None = None) -> User:
    user = User.objects.create_user(email, "motdepasse-tres-long-123")
    if role is not None:
        organisation = organisation or Organisation.objects.create(
            name=f"Organisation de {email}", kind=OrganisationKind.LOCAL_AUTHORITY
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def coordinator(email: str = "coordination@cd58.test") -> User:
    return make_user(email, Role.COORDINATOR)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
