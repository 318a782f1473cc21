"""The roadmap and its sheets as OpenDocument text (odfdo), with budgets and indicators as real tables."""

import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from odfdo import Document, Header, Paragraph, Row, Table

from roadmap.models import ActionSheet, Roadmap

MIMETYPE = "application/vnd.oasis.opendocument.text"


def _table(name: str, header: list[str], rows: Iterable[list]) -> Table:
    table = Table(name)
    head = Row()
    head.set_values(header)
    table.append_row(head)
    for values in rows:
        row = Row()
        row.set_values([float(v) if isinstance(v, Decimal) else ("" if v is None else v) for v in values])
        table.append_row(row)
    return table


def _paragraphs(body, text: str) -> None:  # noqa: ANN001 - an odfdo body
    for line in text.splitlines():
        if line.strip():
            body.append(Paragraph(line.strip()))


def _published_resources(sheet: ActionSheet) -> list:
    if hasattr(sheet, "published_resources"):
        return list(sheet.published_resources)
    from library.models import Resource

    return list(Resource.objects.published().filter(action_sheets=sheet).order_by("title", "pk"))


def _listed_events(sheet: ActionSheet) -> list:
    if hasattr(sheet, "listed_events"):
        return list(sheet.listed_events)
    from library.models import Event

    return list(Event.objects.listed().filter(action_sheets=sheet).select_related("place").order_by("starts_at"))


def _sheet(body, sheet: ActionSheet, base_url: str = "") -> None:  # noqa: ANN001
    body.append(Header(2, str(sheet)))
    body.append(Paragraph(f"Axe : {sheet.axis.title} — état : {sheet.get_status_display()}"))
    if sheet.pilot:
        body.append(Paragraph(f"Pilote : {sheet.pilot.name}"))
    partners = [f"{p.organisation.name}{f' ({p.role})' if p.role else ''}" for p in sheet.partners.all()]
    if partners:
        body.append(Paragraph("Partenaires : " + ", ".join(partners)))
    for label, text in (
        ("Contexte", sheet.context),
        ("Objectifs", sheet.goals),
        ("Publics visés", sheet.target_publics),
        ("Calendrier", sheet.calendar),
    ):
        if text:
            body.append(Header(3, label))
            _paragraphs(body, text)
    steps = list(sheet.steps.all())
    if steps:
        body.append(Header(3, "Étapes"))
        body.append(
            _table(
                f"{sheet.code} étapes",
                ["Étape", "Début", "Fin", "Porteur", "État"],
                [
                    [
                        s.title,
                        s.start.isoformat() if s.start else "",
                        s.end.isoformat() if s.end else "",
                        s.owner.name if s.owner else "",
                        s.get_status_display(),
                    ]
                    for s in steps
                ],
            )
        )
    budget = list(sheet.budget_lines.all())
    if budget:
        body.append(Header(3, "Budget"))
        total = sum((line.amount for line in budget), Decimal("0"))
        body.append(
            _table(
                f"{sheet.code} budget",
                ["Année", "Poste", "Montant (€)"],
                [[line.year, line.expense, line.amount] for line in budget] + [["Total", "", total]],
            )
        )
    funding = list(sheet.funding_lines.all())
    if funding:
        body.append(Header(3, "Financements"))
        body.append(
            _table(
                f"{sheet.code} financements",
                ["Financeur", "Dispositif", "Demandé (€)", "Obtenu (€)", "État", "Fiche du dispositif"],
                [
                    [
                        f.funder,
                        f.scheme_title or (f.scheme.title if f.scheme else ""),
                        f.amount_requested,
                        f.amount_obtained,
                        f.get_status_display(),
                        base_url + f.scheme.get_absolute_url() if f.scheme and f.scheme.is_public else "",
                    ]
                    for f in funding
                ],
            )
        )
    resources = _published_resources(sheet)
    events = _listed_events(sheet)
    if resources or events:
        body.append(Header(3, "Ressources et événements produits"))
    if resources:
        body.append(
            _table(
                f"{sheet.code} ressources",
                ["Ressource", "Résumé", "Adresse"],
                [[r.title, r.summary, base_url + r.get_absolute_url()] for r in resources],
            )
        )
    if events:
        body.append(
            _table(
                f"{sheet.code} événements",
                ["Événement", "Nature", "Date", "Lieu", "Adresse"],
                [
                    [
                        e.title + (" (annulé)" if e.is_cancelled else ""),
                        e.get_kind_display(),
                        timezone.localtime(e.starts_at).date().isoformat(),
                        e.place.name if e.place else (e.location_note or ("en ligne" if e.online else "")),
                        base_url + e.get_absolute_url(),
                    ]
                    for e in events
                ],
            )
        )
    indicators = list(sheet.indicators.all())
    if indicators:
        body.append(Header(3, "Indicateurs"))
        rows = []
        for indicator in indicators:
            latest = indicator.measurements.order_by("-date", "-pk").first()
            rows.append(
                [
                    indicator.label,
                    indicator.unit,
                    indicator.baseline_value,
                    indicator.target_value,
                    latest.value if latest else None,
                    latest.date.isoformat() if latest else "",
                ]
            )
        body.append(
            _table(
                f"{sheet.code} indicateurs", ["Indicateur", "Unité", "Départ", "Cible", "Dernière valeur", "Au"], rows
            )
        )


def _save(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def roadmap_odt(roadmap: Roadmap, sheets: Iterable[ActionSheet], base_url: str = "") -> bytes:
    document = Document("text")
    body = document.body
    body.clear()
    body.append(Header(1, roadmap.title))
    if roadmap.summary:
        _paragraphs(body, roadmap.summary)
    for sheet in sheets:
        _sheet(body, sheet, base_url)
    return _save(document)


def sheet_odt(sheet: ActionSheet, base_url: str = "") -> bytes:
    document = Document("text")
    body = document.body
    body.clear()
    body.append(Header(1, f"{sheet.roadmap.title}"))
    _sheet(body, sheet, base_url)
    return _save(document)
