"""The observatory's figures as sections: a table, with the chart or map drawn from it.

Pages, exports and the committee's report all build their tables here, so that a downloaded file holds what
the page showed, hidden counts included. ``EXPORTS`` names every table that can be downloaded.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from coverage_solver import classify
from directory.models import Term, Vocabulary
from observatory import maps, requests_stats, whatif
from observatory.access import Audience
from observatory.charts import BarChart, bar_chart
from observatory.coverage import (
    NONE_LABEL,
    Beyond,
    Coverage,
    beyond_by_area,
    class_labels,
    coverage,
    france_by_departement,
)
from observatory.privacy import HIDDEN, MASKED, Shown, is_small, share, show, show_partition
from observatory.requests_stats import Period, Tally
from observatory.tables import Table, km, number_text
from territory.models import Commune

ORIENTED_WITHIN_DAYS = 7
DISTANCE_PATTERNS = ("k0", "k1", "k2", "k3", "k4", "k5")
UNMET_PATTERNS = ("u0", "u1", "u2", "u3")
UNMET_LABELS = ("aucune", "1 à 4", "5 à 9", "10 ou plus")


@dataclass
class Section:
    table: Table
    chart: BarChart | None = None
    map: maps.Map | None = None
    intro: str = ""


def _value(shown: Shown) -> float | None:
    return None if isinstance(shown, str) else float(shown)


def _text(shown: Shown) -> str:
    return shown if isinstance(shown, str) else number_text(shown)


def _tally_section(
    slug: str, title: str, column: str, tallies: Sequence[Tally], audience: Audience, *, partition: bool
) -> Section:
    exact = audience.sees_exact_counts
    counts = [tally.count for tally in tallies]
    shown = show_partition(counts, exact=exact) if partition else [show(count, exact=exact) for count in counts]
    table = Table(slug, title, [column, "Demandes"], [[t.label, s] for t, s in zip(tallies, shown, strict=True)])
    table.numeric = {1}
    chart = bar_chart(
        f"graphique-{slug}", title, [(t.label, _value(s), _text(s)) for t, s in zip(tallies, shown, strict=True)]
    )
    return Section(table, chart)


def privacy_note(audience: Audience) -> str:
    if audience.sees_exact_counts:
        return ""
    return (
        f"Les nombres de 1 à 4 demandes sont affichés « {HIDDEN} » ; « {MASKED} » cache un autre nombre qui "
        "permettrait de les retrouver par différence."
    )


def need_section(period: Period, audience: Audience) -> Section:
    section = _tally_section(
        "besoins", "Demandes par besoin", "Besoin", requests_stats.by_need(period), audience, partition=False
    )
    section.table.note = "Une demande qui exprime deux besoins compte pour chacun."
    return section


def audience_section(period: Period, audience: Audience) -> Section:
    tallies = requests_stats.by_audience(period)
    return _tally_section("publics", "Demandes par demandeur", "Demandeur", tallies, audience, partition=True)


def epci_section(period: Period, audience: Audience) -> Section:
    tallies = requests_stats.by_epci(period)
    return _tally_section(
        "intercommunalites", "Demandes par intercommunalité", "Intercommunalité", tallies, audience, partition=True
    )


def month_section(period: Period, audience: Audience) -> Section:
    tallies = requests_stats.by_month(period)
    return _tally_section("mois", "Demandes reçues par mois", "Mois", tallies, audience, partition=True)


def outcome_section(period: Period, audience: Audience) -> Section:
    tallies = requests_stats.outcomes(period)
    section = _tally_section("issues", "Issue des demandes", "Issue", tallies, audience, partition=True)
    section.table.note = "Les demandes reçues sur la période : clôturées, par issue, ou encore en cours."
    return section


def delays_section(period: Period, audience: Audience) -> Section:
    exact = audience.sees_exact_counts
    rows = []
    for label, delays in (
        ("Jusqu'à la première orientation vers un lieu", requests_stats.time_to_first_orientation(period)),
        ("Jusqu'à la clôture", requests_stats.time_to_outcome(period)),
    ):
        hidden = not exact and is_small(delays.count)
        rows.append(
            [
                label,
                show(delays.count, exact=exact),
                None if hidden else delays.median,
                None if hidden else delays.p90,
            ]
        )
    table = Table(
        "delais",
        "Délais de réponse (jours)",
        ["Délai", "Demandes concernées", "Médiane (jours)", "90e centile (jours)"],
        rows,
        note="La moitié des demandes ont attendu moins que la médiane, neuf sur dix moins que le 90e centile.",
        numeric={1, 2, 3},
    )
    return Section(table)


def delay_buckets_section(period: Period, audience: Audience) -> Section:
    delays = requests_stats.time_to_first_orientation(period)
    return _tally_section(
        "delai-orientation",
        "Délai avant la première orientation",
        "Délai",
        delays.buckets,
        audience,
        partition=True,
    )


def unmet_section(period: Period, audience: Audience) -> Section:
    exact = audience.sees_exact_counts
    needs = requests_stats.unmet_needs(period)
    rows = [
        [
            need.label,
            show(need.count, exact=exact),
            show(need.asked, exact=exact),
            share(need.count, need.asked, exact=exact),
            show(need.communes, exact=exact) if not (not exact and is_small(need.count)) else HIDDEN,
        ]
        for need in needs
    ]
    table = Table(
        "besoins-non-couverts",
        "Besoins non couverts",
        ["Besoin", "Demandes non couvertes", "Demandes de ce besoin", "Part non couverte (%)", "Communes"],
        rows,
        note="Une demande est non couverte quand aucun lieu n'y répondait à portée, ou qu'elle a été close sans "
        "solution.",
        numeric={1, 2, 3, 4},
    )
    chart = bar_chart(
        "graphique-besoins-non-couverts",
        "Besoins non couverts",
        [(row[0], _value(row[1]), _text(row[1])) for row in rows],
    )
    return Section(table, chart)


def freshness_section() -> Section:
    tallies = requests_stats.freshness()
    table = Table(
        "fraicheur",
        "Fraîcheur de l'annuaire",
        ["Dernière mise à jour", "Lieux"],
        [[tally.label, tally.count] for tally in tallies],
        note="Lieux ouverts ou fermés temporairement du territoire, selon la date de leur dernière mise à jour, "
        "comme les compte la cartographie nationale.",
        numeric={1},
    )
    chart = bar_chart(
        "graphique-fraicheur",
        "Fraîcheur de l'annuaire",
        [(tally.label, float(tally.count), number_text(tally.count)) for tally in tallies],
    )
    return Section(table, chart)


def oriented_share(period: Period, audience: Audience) -> dict:
    result = requests_stats.share_oriented_within(ORIENTED_WITHIN_DAYS, period=period)
    exact = audience.sees_exact_counts
    return {
        "days": ORIENTED_WITHIN_DAYS,
        "part": show(result.part, exact=exact),
        "total": show(result.total, exact=exact),
        "percent": share(result.part, result.total, exact=exact),
    }


DASHBOARD = {
    "besoins": need_section,
    "publics": audience_section,
    "intercommunalites": epci_section,
    "mois": month_section,
    "delais": delays_section,
    "delai-orientation": delay_buckets_section,
    "issues": outcome_section,
    "besoins-non-couverts": unmet_section,
}


# --- Coverage ---------------------------------------------------------------------------------------------


def what_counts(term: Term, *, confirmed_only: bool) -> str:
    if term.vocabulary == Vocabulary.EQUIPMENT:
        which = (
            "seulement les machines confirmées par le lieu"
            if confirmed_only
            else "les machines que la fiche du lieu indique, confirmées par le lieu ou encore à confirmer"
        )
        return (
            f"Sont comptés les lieux ouverts dont la fiche indique cette machine ({which}). Une machine "
            "seulement probable d'après le type de lieu n'est pas comptée. Un lieu itinérant compte à chacune de "
            "ses étapes."
        )
    return (
        "Sont comptés les lieux ouverts dont la fiche indique ce service. Un service seulement probable d'après "
        "le type de lieu n'est pas compté. Un lieu itinérant compte à chacune de ses étapes."
    )


def distance_note() -> str:
    factor = settings.ROAD_FACTOR
    road = f", multipliée par {factor:g} pour approcher la route" if factor != 1 else ""
    return f"Distance à vol d'oiseau depuis la mairie de chaque commune{road}."


def coverage_map(
    map_id: str,
    title: str,
    result_km: Sequence[float],
    communes: Sequence,
    outlines: maps.Outlines,
    thresholds: Sequence[float],
    *,
    facilities: Sequence = (),
    sites: Sequence[whatif.Site] = (),
) -> maps.Map:
    labels = class_labels(thresholds)
    classes = classify(list(result_km), thresholds).tolist()
    areas = [
        maps.Area(row.code, DISTANCE_PATTERNS[cls], f"{row.name} : {_km_title(distance)}")
        for row, distance, cls in zip(communes, result_km, classes, strict=True)
        if row.code in outlines.paths
    ]
    counts = [0] * len(labels)
    population = [0] * len(labels)
    for row, cls in zip(communes, classes, strict=True):
        counts[cls] += 1
        population[cls] += row.population
    legend = [
        maps.LegendItem(
            DISTANCE_PATTERNS[index], label, f"{counts[index]} communes, {number_text(population[index])} hab."
        )
        for index, label in enumerate(labels)
        if counts[index] or index < len(labels) - 1
    ]
    markers = maps.place_markers(
        outlines.frame,
        [(f.latitude, f.longitude, f.stop, f"{f.place_name} ({f.commune_name})") for f in facilities],
    )
    marker_legend = []
    if any(marker.shape == "place" for marker in markers):
        marker_legend.append(maps.LegendItem("place", "lieu qui l'a"))
    if any(marker.shape == "stop" for marker in markers):
        marker_legend.append(maps.LegendItem("stop", "étape d'un lieu itinérant qui l'a"))
    new = maps.site_markers(outlines.frame, [(site.points, f"{site.label} ({site.commune_name})") for site in sites])
    if new:
        marker_legend.append(maps.LegendItem("site", "lieu à équiper (numéro du tableau)"))
    description = "; ".join(item.label + " : " + item.detail for item in legend)
    return maps.Map(map_id, title, description, outlines.frame, areas, legend, markers + new, marker_legend)


def _km_title(distance: float) -> str:
    return "aucun lieu" if math.isinf(distance) else f"{distance:.0f} km"


def communes_table(result: Coverage, query: str = "") -> Table:
    rows = [
        [
            row.name,
            row.code,
            row.epci_name,
            row.population,
            km(row.km),
            row.nearest.place_name if row.nearest else "aucun lieu",
            row.nearest.commune_name if row.nearest else None,
        ]
        for row in result.communes
    ]
    return Table(
        "couverture-communes",
        f"Distance de chaque commune au lieu le plus proche ({result.term.label})",
        ["Commune", "Code INSEE", "Intercommunalité", "Population", "Distance (km)", "Lieu le plus proche", "à"],
        rows,
        note=distance_note(),
        numeric={3, 4},
        export_query=query,
    )


def beyond_table(slug: str, title: str, areas: Sequence[Beyond], thresholds: Sequence[float], query: str = "") -> Table:
    columns = ["Territoire", "Communes", "Population"]
    for threshold in thresholds:
        columns += [f"à plus de {threshold:g} km", "%"]
    rows = []
    for area in areas:
        row: list = [area.label, area.communes, area.population]
        for index in range(len(thresholds)):
            row += [area.beyond[index], area.share(index)]
        rows.append(row)
    return Table(slug, title, columns, rows, numeric=set(range(1, len(columns))), export_query=query)


def facilities_table(result: Coverage, query: str = "") -> Table:
    rows = [
        [f.place_name, f.commune_name, "étape itinérante" if f.stop else "", "oui" if f.confirmed else "à confirmer"]
        for f in sorted(result.counted, key=lambda f: (f.place_name, f.commune_name))
    ]
    return Table(
        "couverture-lieux",
        f"Lieux comptés ({result.term.label})",
        ["Lieu", "Commune", "Itinérance", "Confirmé par le lieu"],
        rows,
        export_query=query,
    )


def machines_table(machines: Sequence[Term], thresholds: Sequence[float], query: str = "") -> Table:
    columns = ["Machine", "Lieux ouverts qui l'ont", "dont confirmés"]
    for threshold in thresholds:
        columns += [f"Habitants à plus de {threshold:g} km", "%"]
    rows = []
    for term in machines:
        result = coverage(term)
        area = beyond_by_area(result)[0]
        confirmed = len({f.place_id for f in result.counted if f.confirmed})
        row: list = [term.label, result.place_count, confirmed]
        for index in range(len(thresholds)):
            row += [area.beyond[index], area.share(index)]
        rows.append(row)
    return Table(
        "machines",
        f"Couverture des machines citées par le comité ({settings.TERRITORY_NAME})",
        columns,
        rows,
        note=distance_note(),
        numeric=set(range(1, len(columns))),
        export_query=query,
    )


def france_table(term: Term, *, confirmed_only: bool, query: str = "") -> Table:
    thresholds = settings.OBSERVATORY_THRESHOLDS_KM
    areas = france_by_departement(term, confirmed_only=confirmed_only)
    return beyond_table(
        "couverture-france", f"Toute la France, par département ({term.label})", areas, thresholds, query
    )


# --- Unmet requests by commune ---------------------------------------------------------------------------


def unmet_commune_rows(period: Period) -> list[tuple]:
    counts = requests_stats.unmet_by_commune(period)
    communes = Commune.objects.filter(code__in=counts).select_related("epci").order_by("name")
    return [(commune, counts[commune.code]) for commune in communes]


def unmet_communes_table(period: Period, audience: Audience, query: str = "") -> Table:
    exact = audience.sees_exact_counts
    rows = [
        [commune.name, commune.code, commune.epci.name if commune.epci else "", show(count, exact=exact)]
        for commune, count in unmet_commune_rows(period)
    ]
    return Table(
        "non-couverts-communes",
        "Demandes non couvertes par commune",
        ["Commune", "Code INSEE", "Intercommunalité", "Demandes non couvertes"],
        rows,
        note=privacy_note(audience),
        numeric={3},
        export_query=query,
    )


def unmet_class(count: int) -> int:
    return 0 if count == 0 else 1 if count < 5 else 2 if count < 10 else 3


def unmet_map(period: Period, outlines: maps.Outlines, communes: Sequence) -> maps.Map:
    counts = requests_stats.unmet_by_commune(period)
    areas = []
    tally = [0] * len(UNMET_LABELS)
    for code, name in communes:
        count = counts.get(code, 0)
        cls = unmet_class(count)
        tally[cls] += 1
        if code in outlines.paths:
            label = UNMET_LABELS[cls] if cls else "aucune"
            areas.append(maps.Area(code, UNMET_PATTERNS[cls], f"{name} : {label} demande(s) non couverte(s)"))
    legend = [
        maps.LegendItem(
            UNMET_PATTERNS[index],
            f"{label} demande{'s' if index > 1 else ''} non couverte{'s' if index > 1 else ''}",
            f"{tally[index]} communes",
        )
        for index, label in enumerate(UNMET_LABELS)
    ]
    description = "; ".join(f"{item.label} : {item.detail}" for item in legend)
    return maps.Map(
        "carte-non-couverts",
        f"Demandes non couvertes par commune, {period.label}",
        description,
        outlines.frame,
        areas,
        legend,
    )


# --- What-if --------------------------------------------------------------------------------------------


def comparison_table(scenarios: Sequence[whatif.Scenario], instance: whatif.Instance, query: str = "") -> Table:
    columns = ["Indicateur", *[scenario.label for scenario in scenarios]]
    rows: list[list] = [
        ["Lieux ajoutés", *[", ".join(site.label for site in s.sites) or "aucun" for s in scenarios]],
        ["Distance moyenne par habitant (km)", *[_km_or_none(s.figures.mean_km) for s in scenarios]],
        ["Distance la plus longue (km)", *[_km_or_none(s.figures.max_km) for s in scenarios]],
        [f"Habitants à moins de {instance.radius:g} km", *[s.figures.within_radius for s in scenarios]],
        [f"Part à moins de {instance.radius:g} km (%)", *[s.figures.share_within for s in scenarios]],
    ]
    for index, threshold in enumerate(instance.thresholds):
        rows.append([f"Habitants à plus de {threshold:g} km", *[s.figures.beyond[index] for s in scenarios]])
    return Table(
        "simulation",
        f"Comparaison des scénarios ({instance.term.label})",
        columns,
        rows,
        note=distance_note() + " « aucun lieu » : au moins une commune n'a encore aucun lieu, à aucune distance.",
        numeric=set(range(1, len(columns))),
        export_query=query,
    )


def _km_or_none(value: float) -> float | str | None:
    return NONE_LABEL if math.isinf(value) else km(value)


def sites_table(scenarios: Sequence[whatif.Scenario], instance: whatif.Instance, query: str = "") -> Table:
    rows = []
    for scenario in scenarios:
        for number, site in enumerate(scenario.sites, start=1):
            rows.append([scenario.label, number, site.label, site.commune_name])
    return Table(
        "simulation-lieux",
        f"Lieux à équiper ({instance.term.label})",
        ["Scénario", "N°", "Lieu", "Commune"],
        rows,
        numeric={1},
        export_query=query,
    )
