"""The one write path of every import: check everything first, then write all in one transaction.

A place is found again by (source, source_id): a re-import updates it in
place, and only the fields the file provided. A place whose provided fields
already hold the file's values is not written at all, so that importing the
same file twice changes nothing.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace

from django.db import models, transaction

from directory import index, provenance
from directory.importers.exporter import load_place_data
from directory.importers.records import (
    SCALAR_FIELDS,
    TERM_FIELDS,
    OperatorData,
    PlaceData,
    Problem,
    ReadResult,
    SourcedPlace,
)
from directory.importers.towns import CommuneIndex, CommuneRef
from directory.models import Equipment, ItinerantStop, Operator, Place, Term, Vocabulary
from territory.models import Commune

logger = logging.getLogger(__name__)


def counted(count: int, singular: str, plural: str = "") -> str:
    """ "1 lieu", "2 lieux": French plural of a counted word (0 and 1 take the singular)."""
    return f"{count} {singular if count <= 1 else plural or singular + 's'}"


@dataclass
class ImportReport:
    actor: str
    dry_run: bool
    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    filtered_out: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_read_result(self, result: ReadResult) -> None:
        self.errors.extend(result.errors)
        self.warnings.extend(result.warnings)
        self.skipped.extend(result.skipped)
        self.filtered_out += result.filtered_out

    def summary(self) -> str:
        if not self.ok:
            return f"Fichier refusé : {counted(len(self.errors), 'erreur')}, rien n'a été écrit."
        text = (
            f"{counted(self.received, 'lieu lu', 'lieux lus')} : {counted(self.created, 'créé')}, "
            f"{self.updated} mis à jour, {counted(self.unchanged, 'inchangé')}."
        )
        if self.skipped:
            text += f" {counted(len(self.skipped), 'ligne ignorée', 'lignes ignorées')}."
        if self.filtered_out:
            text += f" {self.filtered_out} hors des départements demandés."
        if self.warnings:
            text += f" {counted(len(self.warnings), 'avertissement')}."
        if self.dry_run:
            text += " Simulation : rien n'a été écrit."
        return text

    def details(self) -> list[str]:
        """One French line per problem: errors, then skipped rows, then warnings."""
        return (
            [f"Erreur : {problem}" for problem in self.errors]
            + [f"Ignorée : {problem}" for problem in self.skipped]
            + [f"Avertissement : {problem}" for problem in self.warnings]
        )


@dataclass
class _Resolved:
    row: str
    data: PlaceData
    commune: Commune
    terms: dict[str, list[Term]]
    kinds: dict[str, Term]
    stop_communes: dict[str, Commune]


class _Lookups:
    """Everything the check and the write need, loaded in a fixed number of queries."""

    def __init__(self, records: Sequence[SourcedPlace]) -> None:
        self.terms: dict[tuple[str, str], Term] = {(t.vocabulary, t.code): t for t in Term.objects.all()}
        codes = {r.data.commune for r in records} | {s.commune for r in records for s in r.data.stops}
        self.communes: dict[str, Commune] = {c.code: c for c in Commune.objects.filter(code__in=codes)}
        keys = {r.data.key for r in records}
        candidates = load_place_data(
            Place.objects.filter(
                source__in={source for source, _ in keys}, source_id__in={source_id for _, source_id in keys}
            )
        )
        # The current data of the places the records name, with their primary key.
        self.places: dict[tuple[str, str], tuple[int, PlaceData]] = {
            data.key: (pk, data) for pk, data in candidates.items() if data.key in keys
        }
        self.operators: dict[tuple[str, str], Operator] = {(o.name, o.siret): o for o in Operator.objects.all()}


def _resolve(record: SourcedPlace, lookups: _Lookups) -> tuple[_Resolved | None, list[Problem]]:
    data = record.data.normalized()
    problems: list[Problem] = []

    def error(path: str, message: str) -> None:
        problems.append(Problem(record.row, data.name, path, message))

    data = _one_answer_per_code(data, lookups.places.get(data.key), error)
    commune = lookups.communes.get(data.commune)
    if commune is None:
        error("address.commune", f"code INSEE inconnu « {data.commune} »")
    terms: dict[str, list[Term]] = {}
    for name, vocabulary in TERM_FIELDS.items():
        terms[name] = []
        for code in getattr(data, name):
            term = lookups.terms.get((vocabulary, code))
            if term is None:
                error(name, f"code inconnu « {code} » dans le vocabulaire « {Vocabulary(vocabulary).label} »")
            else:
                terms[name].append(term)
    kinds: dict[str, Term] = {}
    for number, item in enumerate(data.equipment, start=1):
        kind = lookups.terms.get((Vocabulary.EQUIPMENT, item.kind))
        if kind is None:
            error(f"equipment[{number}].kind", f"type de machine inconnu « {item.kind} »")
        else:
            kinds[item.kind] = kind
    stop_communes: dict[str, Commune] = {}
    for number, stop in enumerate(data.stops, start=1):
        stop_commune = lookups.communes.get(stop.commune)
        if stop_commune is None:
            error(f"stops[{number}].commune", f"code INSEE inconnu « {stop.commune} »")
        else:
            stop_communes[stop.commune] = stop_commune
    if problems or commune is None:
        return None, problems
    if data.latitude is None or data.longitude is None:
        data = replace(data, latitude=commune.latitude, longitude=commune.longitude, point_source="commune")
    return _Resolved(record.row, data, commune, terms, kinds, stop_communes), problems


def _one_answer_per_code(
    data: PlaceData, existing: tuple[int, PlaceData] | None, error: Callable[[str, str], None]
) -> PlaceData:
    """An accessibility code is said yes, said no, or not said: never both.

    A file that states only one side (the national standard lists only what a place offers) overrides the
    stored other side for the codes it states: the newer statement wins.
    """
    yes, no = "accessibility" in data.provided, "accessibility_no" in data.provided
    if yes and no:
        for code in sorted(set(data.accessibility) & set(data.accessibility_no)):
            error("accessibility_no", f"le code « {code} » est à la fois dans accessibility et accessibility_no")
        return data
    if existing is None or not (yes or no):
        return data
    current = existing[1]
    if yes:
        kept = tuple(code for code in current.accessibility_no if code not in data.accessibility)
        return replace(data, accessibility_no=kept, provided=data.provided | {"accessibility_no"})
    kept = tuple(code for code in current.accessibility if code not in data.accessibility_no)
    return replace(data, accessibility=kept, provided=data.provided | {"accessibility"})


def check_records(records: Sequence[SourcedPlace]) -> tuple[list[_Resolved], list[Problem], _Lookups]:
    lookups = _Lookups(records)
    resolved: list[_Resolved] = []
    problems: list[Problem] = []
    first_row: dict[tuple[str, str], str] = {}
    for record in records:
        key = record.data.key
        if key in first_row:
            problems.append(
                Problem(
                    record.row, record.data.name, "provenance", f"même source et même identifiant que {first_row[key]}"
                )
            )
            continue
        first_row[key] = record.row
        item, item_problems = _resolve(record, lookups)
        problems.extend(item_problems)
        if item is not None:
            resolved.append(item)
    return resolved, problems, lookups


def import_records(
    records: Sequence[SourcedPlace], *, actor: str, dry_run: bool, report: ImportReport | None = None
) -> ImportReport:
    """Check every record, then write them all, or nothing at all if one is wrong.

    report may carry what the reading already found (warnings, skipped rows,
    errors); a reading error refuses the import as well.
    """
    report = report or ImportReport(actor=actor, dry_run=dry_run)
    report.received = len(records)
    resolved, problems, lookups = check_records(records)
    report.errors.extend(problems)
    if not report.ok:
        logger.info("import by %s refused: %d errors", actor, len(report.errors))
        return report
    with transaction.atomic():
        with index.deferred():
            writer = _Writer(lookups, report)
            writer.write(resolved)
            # Relations were written in bulk, past the signals that keep the search index in step.
            index.refresh(writer.touched)
        if dry_run:
            transaction.set_rollback(True)
    logger.info(
        "import by %s%s: %d created, %d updated, %d unchanged",
        actor,
        " (dry run)" if dry_run else "",
        report.created,
        report.updated,
        report.unchanged,
    )
    return report


class _Writer:
    def __init__(self, lookups: _Lookups, report: ImportReport) -> None:
        self.lookups = lookups
        self.report = report
        self.cleared: dict[str, list[int]] = defaultdict(list)
        self.links: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.equipment: list[Equipment] = []
        self.stops: list[ItinerantStop] = []
        self.touched: set[int] = set()

    def write(self, resolved: Iterable[_Resolved]) -> None:
        updates: list[tuple[int, _Resolved, set[str]]] = []
        for item in resolved:
            existing = self.lookups.places.get(item.data.key)
            if existing is None:
                self._create(item)
                continue
            pk, current = existing
            changed = set(item.data.differs_from(current))
            if changed:
                updates.append((pk, item, changed))
            else:
                self.report.unchanged += 1
        instances = Place.objects.select_related("operator").in_bulk([pk for pk, _, _ in updates])
        for pk, item, changed in updates:
            self._update(instances[pk], item, changed)
        self._flush()

    def _operator(self, data: OperatorData | None) -> Operator | None:
        if data is None:
            return None
        operator = self.lookups.operators.get((data.name, data.siret))
        if operator is None:
            operator = Operator.objects.create(**asdict(data))
            self.lookups.operators[(data.name, data.siret)] = operator
        elif (operator.rna, operator.website) != (data.rna, data.website):
            operator.rna, operator.website = data.rna, data.website
            operator.save(update_fields=["rna", "website"])
        return operator

    def _create(self, item: _Resolved) -> None:
        data = item.data
        place = Place(
            commune=item.commune,
            operator=self._operator(data.operator),
            **{name: getattr(data, name) for name in SCALAR_FIELDS},
        )
        place.save()
        self.touched.add(place.pk)
        self._relations(place, item, TERM_FIELDS.keys() | {"equipment", "stops"})
        self.report.created += 1

    def _update(self, place: Place, item: _Resolved, changed: set[str]) -> None:
        data = item.data
        must_save = False
        for name in changed & set(SCALAR_FIELDS):
            setattr(place, name, getattr(data, name))
            must_save = True
        if "commune" in changed:
            place.commune = item.commune
            must_save = True
        if "operator" in changed:
            place.operator = self._operator(data.operator)
            must_save = True
        # What the file changed is the file's again, whoever had set it before.
        kept = provenance.forget(place.field_provenance, changed)
        if kept != place.field_provenance:
            place.field_provenance = kept
            must_save = True
        if must_save:
            place.save()
        self.touched.add(place.pk)
        for name in changed & (TERM_FIELDS.keys() | {"equipment", "stops"}):
            self.cleared[name].append(place.pk)
        self._relations(place, item, changed)
        self.report.updated += 1

    def _relations(self, place: Place, item: _Resolved, names: Iterable[str]) -> None:
        for name in names:
            if name in TERM_FIELDS:
                self.links[name].extend((place.pk, term.pk) for term in item.terms[name])
            elif name == "equipment":
                self.equipment.extend(
                    Equipment(
                        place=place,
                        kind=item.kinds[e.kind],
                        quantity=e.quantity,
                        notes=e.notes,
                        verified=e.verified,
                    )
                    for e in item.data.equipment
                )
            elif name == "stops":
                self.stops.extend(
                    ItinerantStop(
                        place=place,
                        commune=item.stop_communes[s.commune],
                        location=s.location,
                        schedule=s.schedule,
                        notes=s.notes,
                        position=s.position,
                    )
                    for s in item.data.stops
                )

    def _flush(self) -> None:
        for name in TERM_FIELDS:
            relation: models.ManyToManyField = Place._meta.get_field(name)  # type: ignore[assignment]
            through = relation.remote_field.through
            own, other = relation.m2m_field_name(), relation.m2m_reverse_field_name()
            if self.cleared.get(name):
                through.objects.filter(**{f"{own}_id__in": self.cleared[name]}).delete()
            if self.links.get(name):
                through.objects.bulk_create(
                    [
                        through(**{f"{own}_id": place_id, f"{other}_id": term_id})
                        for place_id, term_id in self.links[name]
                    ]
                )
        if self.cleared.get("equipment"):
            Equipment.objects.filter(place_id__in=self.cleared["equipment"]).delete()
        if self.cleared.get("stops"):
            ItinerantStop.objects.filter(place_id__in=self.cleared["stops"]).delete()
        Equipment.objects.bulk_create(self.equipment)
        ItinerantStop.objects.bulk_create(self.stops)


def commune_index(departements: Iterable[str]) -> CommuneIndex:
    """The communes of these départements, for readers that match town names."""
    rows = Commune.objects.filter(departement__code__in=list(departements)).values_list(
        "code", "name", "search_name", "departement__code", "postcodes", "latitude", "longitude", "population"
    )
    return CommuneIndex(
        CommuneRef(
            code=code,
            name=name,
            search_name=search_name,
            departement=departement,
            postcodes=tuple(postcodes.split()),
            latitude=latitude,
            longitude=longitude,
            population=population,
        )
        for code, name, search_name, departement, postcodes, latitude, longitude, population in rows
    )
