"""The search page's repeated parts (the form and its filter lists, result cards) rendered in Python.

Django's template engine costs a few microseconds per variable; a page of twenty cards and sixty checkboxes spent
most of its time there (bench/funding_bench.py). The markup is the same as the templates would write, escaped
with the standard library's html.escape (what Django's own escape calls, without its lazy-string wrapper).
"""

from collections.abc import Iterable
from html import escape
from typing import Any

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


def _errors(form: Any, name: str) -> list[str]:
    return list(form.errors.get(name, [])) if form.is_bound else []


def _text_field(
    form: Any, name: str, *, label: str, kind: str, maxlength: int, hint: str = "", value: str = "", extra: str = ""
) -> str:
    errors = _errors(form, name)
    described = " ".join(part for part in (f"{name}-hint" if hint else "", f"{name}-error" if errors else "") if part)
    attributes = f' aria-describedby="{described}"' if described else ""
    if errors:
        attributes += ' aria-invalid="true"'
    hint_html = f'<span class="hint" id="{name}-hint">{escape(hint)}</span>' if hint else ""
    error_html = f'<span class="error" id="{name}-error">{escape(" ".join(errors))}</span>' if errors else ""
    return (
        f'<p class="field"><label for="id_{name}">{escape(label)}</label>{hint_html}'
        f'<input type="{kind}" name="{name}" id="id_{name}" value="{escape(value)}" maxlength="{maxlength}"'
        f"{extra}{attributes}>{error_html}</p>"
    )


def _select_field(form: Any, name: str, *, label: str, options: SafeString) -> str:
    errors = _errors(form, name)
    attributes = f' aria-invalid="true" aria-describedby="{name}-error"' if errors else ""
    error_html = f'<span class="error" id="{name}-error">{escape(" ".join(errors))}</span>' if errors else ""
    return (
        f'<p class="field"><label for="id_{name}">{escape(label)}</label>'
        f'<select name="{name}" id="id_{name}"{attributes}>{options}</select>{error_html}</p>'
    )


def _checkbox(name: str, label: str, checked: str) -> str:
    return (
        f'<p class="field field-check"><input type="checkbox" name="{name}" id="id_{name}" value="on"{checked}>'
        f'<label for="id_{name}">{escape(label)}</label></p>'
    )


def _raw(form: Any, name: str) -> str:
    value = form[name].value()
    return "" if value is None else str(value)


def search_form_html(form: Any, *, action: str, commune_name: str = "") -> SafeString:
    """The search form with its filters, as search_form.html used to write it."""
    open_filters = " open" if form.filters_active or form.errors else ""
    checked = {name: " checked" if form[name].value() else "" for name in ("ouvert", "clos")}
    parts = [
        f'<form class="search" action="{escape(action)}" method="get" role="search"><div class="search-fields">',
        _text_field(
            form,
            "q",
            label="Mots",
            kind="search",
            maxlength=200,
            hint="Par exemple : scanner 3D, tiers-lieu, formation",
            value=_raw(form, "q"),
        ),
        _text_field(
            form,
            "ou",
            label="Commune du projet",
            kind="text",
            maxlength=100,
            hint="Un nom ou un code postal",
            value=commune_name or _raw(form, "ou"),
            extra=' autocomplete="address-level2"',
        ),
        '<p class="field field-submit"><button type="submit" class="button">Chercher</button></p></div>',
        f'<details class="filters"{open_filters}><summary>Affiner la recherche</summary>',
        form.filters_html(),
        '<div class="filters-grid">',
        _select_field(form, "epci", label="Ou une intercommunalité", options=form.epci_options_html()),
        _text_field(
            form,
            "montant",
            label="Montant recherché (€)",
            kind="text",
            maxlength=20,
            value=_raw(form, "montant"),
            extra=' inputmode="decimal"',
        ),
        _select_field(form, "cloture", label="Clôture dans les", options=form.closing_options_html()),
        "</div>",
        _checkbox("ouvert", "Ouvert maintenant", checked["ouvert"]),
        _checkbox("clos", "Montrer aussi les dispositifs clôturés", checked["clos"]),
        '<p><button type="submit" class="button button-secondary">Appliquer les filtres</button></p></details></form>',
    ]
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped above
