"""The search page's repeated parts (filter lists, result cards) rendered in Python.

Django's template engine costs a few microseconds per variable; a page of twenty cards and sixty checkboxes spent
most of its time there (bench/funding_bench.py). The markup is the same as the templates would write, escaped
the same way.
"""

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from funding.catalogue import SchemeCard
from funding_match import Found
from funding_match.calendar import OPEN, UPCOMING, french_date

BADGES = {
    OPEN: '<span class="badge badge-open">Ouvert</span>',
    UPCOMING: '<span class="badge">À venir</span>',
}
CLOSED_BADGE = '<span class="badge badge-warning">Clôturé</span>'


def card_html(found: Found, card: SchemeCard) -> str:
    funders = ", ".join(escape(name) for name, _, _ in card.funders)
    meta = funders + (f" · {escape(card.perimeter)}" if card.perimeter else "")
    status = BADGES.get(found.state, CLOSED_BADGE)
    if found.deadline:
        status += f" Clôture le {french_date(found.deadline)}"
    status += "".join(f" · {escape(kind)}" for kind in card.kinds)
    if card.needs_check:
        status += ' · <span class="muted">à vérifier</span>'
    reason = f'<p class="reason"><strong>Pourquoi :</strong> {escape(found.reason)}</p>' if found.reason else ""
    return (
        f'<li class="card"><h3 class="card-title"><a href="{escape(card.url)}">{escape(card.title)}</a></h3>'
        f'<p class="card-meta">{meta}</p><p>{status}</p>{reason}<p>{escape(card.summary)}</p></li>\n'
    )


def cards_html(results: Iterable[tuple[Found, SchemeCard]]) -> SafeString:
    return mark_safe("".join(card_html(found, card) for found, card in results))  # noqa: S308 - escaped above


def checkbox_groups_html(groups: Iterable[tuple[str, str, list[tuple[str, str, bool]]]]) -> SafeString:
    parts = []
    for name, legend, choices in groups:
        items = "".join(
            f'<li><input type="checkbox" name="{name}" id="id_{name}_{number}" value="{escape(code)}"'
            f'{" checked" if checked else ""}><label for="id_{name}_{number}">{escape(label)}</label></li>'
            for number, (code, label, checked) in enumerate(choices, start=1)
        )
        parts.append(
            f'<fieldset class="choices"><legend>{escape(legend)}</legend><ul class="checkbox-list">{items}</ul>'
            "</fieldset>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - escaped above


def options_html(choices: Iterable[tuple[str, str]], selected: object) -> SafeString:
    chosen = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308 - escaped here
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(label)}</option>'
            for value, label in choices
        )
    )
