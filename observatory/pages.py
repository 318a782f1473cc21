"""What each page of the observatory shows, built once for the page, its exports and the report alike."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet

from directory.models import Term, Vocabulary
from observatory import maps, sections, whatif
from observatory.access import Audience
from observatory.coverage import beyond_by_area, coverage, served_communes
from observatory.maps import Map, Outlines
from observatory.privacy import show
from observatory.requests_stats import Period, total
from observatory.sections import Section
from observatory.tables import Table
from territory.models import Commune, Epci


@dataclass
class Page:
    sections: dict[str, Section] = field(default_factory=dict)
    maps: list[Map] = field(default_factory=list)
    outlines: Outlines | None = None
    extra: dict = field(default_factory=dict)

    def table(self, slug: str) -> Table | None:
        for section in self.sections.values():
            if section.table.slug == slug:
                return section.table
        return None

    def add(self, key: str, section: Section, query: str) -> None:
        section.table.export_query = query
        self.sections[key] = section


def query_string(data: dict) -> str:
    return urlencode({key: value for key, value in data.items() if value not in ("", None, False)})


def named_machines() -> list[Term]:
    """The machines the committee named (setting OBSERVATORY_MACHINES), in that order, those the vocabulary has."""
    terms = {term.code: term for term in Term.objects.filter(vocabulary=Vocabulary.EQUIPMENT)}
    return [terms[code] for code in settings.OBSERVATORY_MACHINES if code in terms]


def dashboard_page(period: Period, audience: Audience, query: str) -> Page:
    page = Page()
    for key, build in sections.DASHBOARD.items():
        page.add(key, build(period, audience), query)
    page.add("fraicheur", sections.freshness_section(), query)
    page.extra = {
        "total": show(total(period), exact=audience.sees_exact_counts),
        "oriented": sections.oriented_share(period, audience),
        "privacy_note": sections.privacy_note(audience),
    }
    return page


def _scope(epci_siren: str) -> tuple[str, QuerySet[Commune]]:
    communes = served_communes()
    if not epci_siren:
        return settings.TERRITORY_NAME, communes
    epci = Epci.objects.get(siren=epci_siren)
    return epci.name, communes.filter(epci=epci)


def coverage_page(
    term: Term, *, epci_siren: str = "", confirmed_only: bool = False, france: bool = False, query: str = ""
) -> Page:
    scope_label, communes = _scope(epci_siren)
    result = coverage(term, communes=communes, confirmed_only=confirmed_only)
    page = Page()
    page.add("communes", sections.Section(sections.communes_table(result)), query)
    areas = beyond_by_area(result, territory_label=scope_label)
    page.add(
        "zones",
        sections.Section(
            sections.beyond_table(
                "couverture-zones",
                f"Habitants loin du lieu le plus proche ({result.term.label})",
                areas if not epci_siren else areas[:1],
                result.thresholds,
            )
        ),
        query,
    )
    page.add("lieux", sections.Section(sections.facilities_table(result)), query)
    if france:
        page.add("france", sections.Section(sections.france_table(term, confirmed_only=confirmed_only)), query)
    page.outlines = maps.outlines_for([row.code for row in result.communes])
    if page.outlines is not None:
        page.maps.append(
            sections.coverage_map(
                "carte-couverture",
                f"Distance au lieu le plus proche qui a : {term.label.lower()} ({scope_label})",
                [row.km for row in result.communes],
                result.communes,
                page.outlines,
                result.thresholds,
                facilities=result.facilities,
            )
        )
    page.extra = {
        "coverage": result,
        "scope_label": scope_label,
        "what_counts": sections.what_counts(term, confirmed_only=confirmed_only),
    }
    return page


def summary_page(machine: Term | None, query: str) -> Page:
    machines = named_machines()
    page = coverage_page(machine, query=query) if machine is not None else Page()
    page.add("machines", sections.Section(sections.machines_table(machines, settings.OBSERVATORY_THRESHOLDS_KM)), query)
    page.extra["machines"] = machines
    return page


def unmet_page(period: Period, audience: Audience, query: str) -> Page:
    page = Page()
    page.add("communes", sections.Section(sections.unmet_communes_table(period, audience)), query)
    page.add("besoins", sections.unmet_section(period, audience), query)
    communes = list(served_communes().order_by("name").values_list("code", "name"))
    page.outlines = maps.outlines_for([code for code, _ in communes])
    if page.outlines is not None:
        page.maps.append(sections.unmet_map(period, page.outlines, communes))
    page.extra = {"privacy_note": sections.privacy_note(audience)}
    return page


def whatif_page(
    term: Term,
    *,
    k: int,
    among: str,
    objective: str,
    radius: float,
    chosen: Sequence[str],
    confirmed_only: bool,
    query: str,
) -> Page:
    """Raises whatif.ScenarioError (in French) when the scenario cannot be computed."""
    instance = whatif.build_instance(term, among=among, confirmed_only=confirmed_only, radius=radius)
    today = whatif.before(instance)
    suggested = whatif.suggest(instance, k, objective=objective)
    scenarios = [today, suggested]
    if chosen:
        scenarios.append(whatif.scenario(instance, whatif.resolve_sites(instance, chosen), label="Votre scénario"))
    page = Page()
    page.add("comparaison", sections.Section(sections.comparison_table(scenarios, instance)), query)
    page.add("lieux", sections.Section(sections.sites_table(scenarios[1:], instance)), query)
    communes = instance.current.communes
    page.outlines = maps.outlines_for([row.code for row in communes])
    if page.outlines is not None:
        for number, scenario in enumerate(scenarios):
            page.maps.append(
                sections.coverage_map(
                    f"carte-scenario-{number}",
                    scenario.label,
                    scenario.km.tolist(),
                    communes,
                    page.outlines,
                    instance.thresholds,
                    facilities=instance.current.facilities,
                    sites=scenario.sites,
                )
            )
    page.extra = {"instance": instance, "scenarios": scenarios}
    return page


def report_page(period: Period, whatif_data: dict, query: str) -> Page:
    """The steering committee's report: the named machines' coverage, unmet needs, and the what-if result (or
    why it could not be computed). It goes to partners as well, so the small-count rule always applies."""
    machines = named_machines()
    page = Page()
    page.add("machines", sections.Section(sections.machines_table(machines, settings.OBSERVATORY_THRESHOLDS_KM)), query)
    communes = list(served_communes().order_by("name", "code"))
    page.outlines = maps.outlines_for([commune.code for commune in communes])
    for term in machines:
        result = coverage(term)
        if page.outlines is not None:
            page.maps.append(
                sections.coverage_map(
                    f"carte-{term.code}",
                    term.label,
                    [row.km for row in result.communes],
                    result.communes,
                    page.outlines,
                    result.thresholds,
                    facilities=result.facilities,
                )
            )
    page.add("besoins", sections.unmet_section(period, Audience.PARTNER), query)
    page.extra = {"privacy_note": sections.privacy_note(Audience.PARTNER), "period": period, "problem": ""}
    try:
        simulation = whatif_page(query=query, **whatif_data)
    except whatif.ScenarioError as problem:
        page.extra.update(simulation=None, simulation_map=None, problem=str(problem))
        return page
    page.sections.update({f"simulation_{key}": section for key, section in simulation.sections.items()})
    page.extra.update(simulation=simulation, simulation_map=simulation.maps[1] if len(simulation.maps) > 1 else None)
    return page
