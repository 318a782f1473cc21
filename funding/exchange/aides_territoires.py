"""Aides-territoires' published shape (its API's /aids/ pages, and JSON dumps of them) into our records.

The API answers pages ``{"count", "next", "previous", "results": [aid, ...]}``; a dump is the list of aids alone. An
aid carries labels, not codes: audiences ("Associations"), aid types ("Subvention"), destinations, categories as
"Thème|Catégorie", programmes, recurrence ("Ponctuelle", "Permanente", "Récurrente"), and its perimeter as a name
("Nièvre", "Bourgogne-Franche-Comté", "France", "Europe"), with ``perimeter_scale`` in the later versions. Labels
are matched with our terms' French labels and synonyms (funding/data/vocabularies.json); one we do not know is
dropped with a warning. A perimeter we cannot place refuses the aid: a scheme shown in the wrong place is worse
than a missing one. Read from a file only: nothing is fetched at run time.

The aid's ``id`` is its stable source id: importing a newer export updates the schemes instead of duplicating them.
What the export does not carry (status, checks made here, the national scheme declined) is kept on an update.
"""

import datetime as dt
import html
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.html import strip_tags

from aiguillage.lib.text import fold, normalize_name
from funding.exchange.records import FunderData, SchemeRecord
from funding.places import regions
from funding.vocabularies import Terms
from funding_match import perimeter
from funding_match.calendar import CalendarError, MonthDay
from territory.models import Commune, Departement, Epci

SOURCE = "aides-territoires"
# Fields a newer export does not carry, kept as coordinators set them.
KEPT_ON_UPDATE = ("status", "needs_check", "checked_on", "checked_by", "parent")
RECURRENCES = {"ponctuelle": "one_off", "permanente": "ongoing", "recurrente": "yearly"}
SCALES = {
    "continent": perimeter.EU,
    "pays": perimeter.FRANCE,
    "region": perimeter.REGION,
    "departement": perimeter.DEPARTEMENT,
    "epci": perimeter.EPCI,
    "intercommunalite": perimeter.EPCI,
    "commune": perimeter.COMMUNE,
}
# A funder's level from words of its name, most specific first.
FUNDER_LEVELS = [
    ("union europeenne", "eu"),
    ("commission europeenne", "eu"),
    ("europe", "eu"),
    ("region", "region"),
    ("departement", "departement"),
    ("conseil departemental", "departement"),
    ("communaute de communes", "epci"),
    ("communaute d agglomeration", "epci"),
    ("metropole", "epci"),
    ("fondation", "foundation"),
    ("ministere", "state"),
    ("prefecture", "state"),
    ("etat", "state"),
    ("direction regionale", "state"),
    ("commune de", "commune"),
    ("mairie", "commune"),
]
SUMMARY_LENGTH = 400


class AidError(ValueError):
    pass


def read_aids(text: str) -> list[dict[str, Any]]:
    """The aids of an API page or of a dump; raises AidError with a French message for anything else."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AidError(f"le fichier n'est pas du JSON lisible (ligne {error.lineno}) : {error.msg}") from None
    aids = data.get("results") if isinstance(data, dict) else data
    if not isinstance(aids, list) or not all(isinstance(aid, dict) for aid in aids):
        raise AidError("le fichier n'a pas la forme d'un export d'Aides-territoires (une liste « results » d'aides)")
    return aids


def plain(value: object) -> str:
    """Text of an HTML fragment: paragraphs kept as blank lines, tags and entities gone."""
    if not isinstance(value, str) or not value:
        return ""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h\d>", "\n", value)
    text = html.unescape(strip_tags(text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def summary_of(aid: dict[str, Any], description: str) -> str:
    short = plain(aid.get("short_title"))
    text = " ".join(description.split())
    if not text:
        return short
    sentences = re.split(r"(?<=[.!?])\s+", text)
    summary = ""
    for sentence in sentences:
        if len(summary) + len(sentence) + 1 > SUMMARY_LENGTH:
            break
        summary = f"{summary} {sentence}".strip()
    return summary or text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def funder_level(name: str) -> str:
    folded = fold(name)
    for words, level in FUNDER_LEVELS:
        if re.search(rf"\b{words}\b", folded):
            return level
    return "public_body"


def _strings(value: object) -> list[str]:
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    if isinstance(value, str) and value.strip():
        return [value.strip()]
    return []


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


class PerimeterFinder:
    """Names of perimeters to areas, with the territory's tables read once."""

    def __init__(self) -> None:
        self.regions = {normalize_name(region.name): region.code for region in regions().values()}
        self.departements = {
            normalize_name(name): code for code, name in Departement.objects.values_list("code", "name")
        }
        self.epcis = {normalize_name(name): siren for siren, name in Epci.objects.values_list("siren", "name")}

    def find(self, name: str, scale: str) -> str | None:
        """An area token ("departement:58") for a perimeter's name, or None."""
        key = normalize_name(re.sub(r"\(\s*\w{2,3}\s*\)\s*$", "", name))
        kind = SCALES.get(fold(scale))
        if key in ("europe", "union europeenne") and kind in (None, perimeter.EU):
            return perimeter.EU
        if key in ("france", "france metropolitaine", "france entiere") and kind in (None, perimeter.FRANCE):
            return perimeter.FRANCE
        for candidate_kind, table in (
            (perimeter.REGION, self.regions),
            (perimeter.DEPARTEMENT, self.departements),
            (perimeter.EPCI, self.epcis),
        ):
            if kind in (None, candidate_kind) and key in table:
                return f"{candidate_kind}:{table[key]}"
        if kind in (None, perimeter.COMMUNE):
            departement = re.search(r"\(\s*(\w{2,3})\s*\)\s*$", name)
            communes = Commune.objects.filter(search_name=key)
            if departement:
                communes = communes.filter(departement__code=departement.group(1).upper())
            found = list(communes.values_list("code", flat=True)[:2])
            if len(found) == 1:
                return f"{perimeter.COMMUNE}:{found[0]}"
        return None


def _terms(vocabulary: str, labels: list[str], terms: Terms, warnings: list[str], what: str) -> tuple[str, ...]:
    codes = []
    for label in labels:
        term = terms.by_french(vocabulary, label)
        if term is None and "|" in label:
            theme, _, category = label.partition("|")
            term = terms.by_french(vocabulary, category) or terms.by_french(vocabulary, theme)
        if term is None:
            warnings.append(f"{what} « {label} » inconnu, ignoré")
        else:
            codes.append(term.code)
    return tuple(dict.fromkeys(codes))


def _calendar(aid: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    opens_on, closes_on = _date(aid.get("start_date")), _date(aid.get("submission_deadline"))
    recurrence = RECURRENCES.get(fold(str(aid.get("recurrence") or "")), "one_off")
    if recurrence == "yearly":
        if opens_on and closes_on and (opens_on.month, opens_on.day) != (closes_on.month, closes_on.day):
            try:
                return {
                    "recurrence": "yearly",
                    "window_start": MonthDay.of(opens_on),
                    "window_end": MonthDay.of(closes_on),
                }
            except CalendarError:
                pass
        warnings.append("aide récurrente sans période lisible : gardée comme ponctuelle avec ses dates")
        recurrence = "one_off"
    if opens_on and closes_on and opens_on > closes_on:
        warnings.append("date d'ouverture après la clôture : ouverture ignorée")
        opens_on = None
    return {"recurrence": recurrence, "opens_on": opens_on, "closes_on": closes_on}


def record_of(
    aid: dict[str, Any], terms: Terms, finder: PerimeterFinder, *, publish: bool = False
) -> tuple[SchemeRecord | None, list[str], list[str]]:
    """One aid as a record, with its problems (which refuse it) and warnings (what was dropped)."""
    problems: list[str] = []
    warnings: list[str] = []
    aid_id = aid.get("id")
    if not isinstance(aid_id, int | str) or isinstance(aid_id, bool) or not str(aid_id).strip():
        problems.append("aide sans identifiant (id)")
    name = plain(aid.get("name"))
    if not name:
        problems.append("aide sans nom (name)")
    perimeter_name = aid.get("perimeter") if isinstance(aid.get("perimeter"), str) else ""
    area = finder.find(perimeter_name, str(aid.get("perimeter_scale") or "")) if perimeter_name else None
    if area is None:
        problems.append(
            f"périmètre « {perimeter_name} » introuvable parmi l'Europe, la France, les régions, "
            "départements, EPCI et communes"
        )
    if problems:
        return None, problems, warnings
    description = plain(aid.get("description"))
    kinds = _terms("kind", _strings(aid.get("aid_types")), terms, warnings, "nature")
    if aid.get("is_call_for_project") is True:
        kinds = tuple(dict.fromkeys([*kinds, "call_for_projects"]))
    loan = _decimal(aid.get("loan_amount")) or _decimal(aid.get("recoverable_advance_amount"))
    rate_min, rate_max = (
        _decimal(aid.get("subvention_rate_lower_bound")),
        _decimal(aid.get("subvention_rate_upper_bound")),
    )
    if rate_min is not None and rate_max is not None and rate_min > rate_max:
        rate_min, rate_max = rate_max, rate_min
    origin = str(aid.get("origin_url") or "").strip()
    record = SchemeRecord(
        source=SOURCE,
        source_id=str(aid_id).strip(),
        title=name[:200],
        summary=summary_of(aid, description),
        description=description,
        eligibility=plain(aid.get("eligibility")),
        status="published" if publish else "draft",
        funders=tuple(
            FunderData(name=funder[:200], level=funder_level(funder)) for funder in _strings(aid.get("financers"))
        ),
        programmes=_terms("programme", _strings(aid.get("programs")), terms, warnings, "programme"),
        kinds=kinds,
        beneficiaries=_terms("beneficiary", _strings(aid.get("targeted_audiences")), terms, warnings, "public"),
        themes=_terms("theme", _strings(aid.get("categories")), terms, warnings, "thème"),
        expenses=_terms("expense", _strings(aid.get("destinations")), terms, warnings, "dépense"),
        perimeter=(area,) if area else (),
        amount_ceiling=loan,
        rate_min=rate_min if rate_min is not None and rate_min <= 100 else None,
        rate_max=rate_max if rate_max is not None and rate_max <= 100 else None,
        amount_note=plain(aid.get("subvention_comment"))[:300],
        how_to_apply="",
        application_url=str(aid.get("application_url") or "").strip()[:500],
        contact=plain(aid.get("contact")),
        source_url=(origin or str(aid.get("url") or "").strip())[:500],
        checked_on=_date(aid.get("date_updated")),
        checked_by="Aides-territoires (import)",
        needs_check=True,
        **_calendar(aid, warnings),
    )
    return record, [], warnings


def records_of(text: str, *, publish: bool = False) -> tuple[list[tuple[str, SchemeRecord]], list[str], list[str]]:
    """Every aid of a file as (label, record), the problems that refuse the file, and the warnings."""
    try:
        aids = read_aids(text)
    except AidError as error:
        return [], [str(error)], []
    terms = Terms.load()
    finder = PerimeterFinder()
    records, problems, warnings = [], [], []
    for position, aid in enumerate(aids, start=1):
        label = f"aide n° {position} (id {aid.get('id')})"
        record, aid_problems, aid_warnings = record_of(aid, terms, finder, publish=publish)
        problems += [f"{label} : {problem}" for problem in aid_problems]
        warnings += [f"{label} : {warning}" for warning in aid_warnings]
        if record is not None:
            records.append((label, record))
    return records, problems, warnings
