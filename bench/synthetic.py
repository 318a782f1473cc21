"""A synthetic national directory, generated deterministically and loaded in bulk.

Places are spread over France's communes with a probability that grows with the
square root of the population, so that cities hold many places without the
countryside being empty, as in the national mapping of digital-inclusion places.
The same seed always gives the same directory, and a larger directory starts
with the places of a smaller one: ``DirectoryGenerator`` is a stream, and each
size extends the previous one.

This module needs Django to be set up: import it from the benchmark worker only.
"""

import datetime as dt
import itertools
import math
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.text import slugify

from aiguillage.lib.text import normalize_name
from directory import index
from directory.models import Equipment, ItinerantStop, Operator, Place, PlaceStatus, Term, Vocabulary
from territory.models import Commune

SOURCE = "bench"
# Places generated, then inserted, per transaction: keeps memory flat at 300,000 places.
CHUNK_SIZE = 5_000
JITTER_KM = 3.0
KM_PER_DEGREE = 111.2

NAME_PREFIXES = (
    "Espace public numérique",
    "Fablab",
    "Médiathèque",
    "Tiers-lieu",
    "France services",
    "Centre social",
    "Maison de quartier",
    "Atelier numérique",
    "Bibliothèque",
    "Maison des jeunes et de la culture",
)
SUMMARIES = (
    "Accompagnement aux démarches en ligne et initiation à l'ordinateur.",
    "Atelier de fabrication ouvert à tous, avec un accompagnement sur rendez-vous.",
    "Accès libre à des ordinateurs et à internet, aide ponctuelle.",
    "Ateliers collectifs pour les débutants, les seniors et les familles.",
    "",
)
OPENING_HOURS = (
    "Mo-Fr 09:00-12:00,14:00-17:00",
    "Tu-Sa 10:00-12:30,14:00-18:00",
    "Mo,We,Fr 09:00-12:00",
    "We 14:00-18:00; Sa 10:00-12:00",
    "Mo-Th 08:30-12:00,13:30-17:00; Fr 08:30-12:00",
    "Tu,Th 14:00-17:30",
    "",
)
STOP_SCHEDULES = ("We[1] 14:00-18:00", "Tu[2,4] 09:00-12:00", "Th 09:00-12:00", "")
STREETS = ("rue de la Mairie", "place de l'Église", "avenue de la Gare", "rue Victor-Hugo", "grande rue")
OPERATOR_KINDS = ("Association numérique", "Communauté de communes", "Ville de", "Centre communal d'action sociale")

# Weights chosen to look like the national mapping: many public digital spaces and
# libraries, fewer fablabs; computers everywhere, 3D printers in about one place in ten.
TYPOLOGY_WEIGHTS = {
    "EPN": 5,
    "BIB": 4,
    "ASSO": 4,
    "MUNI": 3,
    "TIERS_LIEUX": 3,
    "FABLAB": 2,
    "CCAS": 2,
    "CSC": 2,
    "MJC": 2,
    "MSAP": 2,
    "MINILAB": 1,
    "MICRO_FOLIE": 1,
    "CYBER_BASE": 1,
}
EQUIPMENT_WEIGHTS = {
    "computer_access": 8,
    "3d_printer": 3,
    "vr_headset": 1.5,
    "robotics_kit": 1.5,
    "electronics_kit": 1.5,
    "laser_cutter": 1.5,
    "vinyl_cutter": 1.5,
    "3d_scanner": 1,
    "heat_press": 1,
    "sewing_machine": 1,
    "large_format_printer": 0.8,
    "video_studio": 0.8,
    "embroidery_machine": 0.7,
    "cnc_mill": 0.7,
}
EQUIPMENT_COUNT_WEIGHTS = (40, 25, 17, 11, 7)  # 0 to 4 machines
SERVICE_FAVOURITES = {"everyday_digital": 5, "admin_procedures": 5, "internet_access": 4, "initiation": 4}
AUDIENCE_FAVOURITES = {"individual": 10, "association": 2, "professional": 2}
LABEL_FAVOURITES = {"conseillers_numeriques": 5, "france_services": 3, "aidants_connect": 3}


@dataclass(frozen=True)
class CommunePoint:
    id: int
    name: str
    code: str
    population: int
    latitude: float
    longitude: float
    postcode: str
    departement_id: int


@dataclass
class WeightedTerms:
    """Term ids and their weights: favourites weigh more, the rest of the vocabulary 1."""

    ids: list[int]
    weights: list[float]

    @classmethod
    def of(cls, codes: dict[str, int], favourites: dict[str, float], others: float = 1.0) -> "WeightedTerms":
        ids = list(codes.values())
        weights = [favourites.get(code, others) for code in codes]
        return cls(ids, weights)


@dataclass
class Chunk:
    operators: list[Operator] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    equipment: list[Equipment] = field(default_factory=list)
    stops: list[ItinerantStop] = field(default_factory=list)
    # (through model, place id, term id) rows, grouped by through model.
    links: dict[type, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))


def weighted_sample(rng: random.Random, items: WeightedTerms, count: int) -> list[int]:
    """count distinct ids, each draw proportional to the weights of those left."""
    ids, weights = list(items.ids), list(items.weights)
    chosen: list[int] = []
    for _ in range(min(count, len(ids))):
        index = rng.choices(range(len(ids)), weights=weights)[0]
        chosen.append(ids.pop(index))
        weights.pop(index)
    return chosen


def load_commune_points() -> list[CommunePoint]:
    rows = Commune.objects.order_by("code").values_list(
        "id", "name", "code", "population", "latitude", "longitude", "postcodes", "departement_id"
    )
    return [
        CommunePoint(pk, name, code, population, lat, lon, postcodes.split(" ")[0], departement)
        for pk, name, code, population, lat, lon, postcodes, departement in rows
    ]


class DirectoryGenerator:
    """Endless deterministic stream of places, with their equipment, services and audiences."""

    def __init__(self, communes: list[CommunePoint], *, seed: int) -> None:
        self.rng = random.Random(seed)
        self.communes = communes
        self.cumulative_weights = list(itertools.accumulate(math.sqrt(max(c.population, 1)) for c in communes))
        self.by_departement: dict[int, list[CommunePoint]] = defaultdict(list)
        for commune in communes:
            self.by_departement[commune.departement_id].append(commune)
        codes: dict[str, dict[str, int]] = defaultdict(dict)
        for vocabulary, code, pk in Term.objects.order_by("vocabulary", "position", "code").values_list(
            "vocabulary", "code", "id"
        ):
            codes[vocabulary][code] = pk
        self.typologies = WeightedTerms.of(codes[Vocabulary.TYPOLOGY], TYPOLOGY_WEIGHTS, others=0.05)
        self.services = WeightedTerms.of(codes[Vocabulary.SERVICE], SERVICE_FAVOURITES)
        self.equipment = WeightedTerms.of(codes[Vocabulary.EQUIPMENT], EQUIPMENT_WEIGHTS, others=0.5)
        self.audiences = WeightedTerms.of(codes[Vocabulary.AUDIENCE], AUDIENCE_FAVOURITES)
        self.accessibility = WeightedTerms.of(codes[Vocabulary.ACCESSIBILITY], {})
        self.labels = WeightedTerms.of(codes[Vocabulary.LABEL], LABEL_FAVOURITES, others=0.1)
        self.next_place_id = 1
        self.next_operator_id = 1
        self.today = dt.date(2026, 11, 1)

    def _point_near(self, commune: CommunePoint) -> tuple[float, float]:
        # Uniform in a disc around the mairie: places are in town, not all on one spot.
        distance = JITTER_KM * math.sqrt(self.rng.random())
        angle = self.rng.uniform(0, 2 * math.pi)
        dlat = distance * math.cos(angle) / KM_PER_DEGREE
        dlon = distance * math.sin(angle) / (KM_PER_DEGREE * max(math.cos(math.radians(commune.latitude)), 0.1))
        return round(commune.latitude + dlat, 6), round(commune.longitude + dlon, 6)

    def chunk(self, count: int) -> Chunk:
        rng = self.rng
        chunk = Chunk()
        communes = rng.choices(self.communes, cum_weights=self.cumulative_weights, k=count)
        # About one operator for four places, each running places of this chunk only.
        for _ in range(max(1, count // 4)):
            anchor = rng.choice(communes)
            chunk.operators.append(
                Operator(id=self.next_operator_id, name=f"{rng.choice(OPERATOR_KINDS)} {anchor.name}")
            )
            self.next_operator_id += 1
        for commune in communes:
            chunk.places.append(self._place(commune, chunk))
        return chunk

    def _place(self, commune: CommunePoint, chunk: Chunk) -> Place:
        rng = self.rng
        pk = self.next_place_id
        self.next_place_id += 1
        operator = rng.choice(chunk.operators) if rng.random() < 0.7 else None
        name = f"{rng.choice(NAME_PREFIXES)} {commune.name}"
        summary = rng.choice(SUMMARIES)
        latitude, longitude = self._point_near(commune)
        status = rng.choices(
            [PlaceStatus.OPEN, PlaceStatus.TEMPORARILY_CLOSED, PlaceStatus.CLOSED], weights=[93, 5, 2]
        )[0]
        is_itinerant = rng.random() < 0.01
        verified = rng.random() < 0.6
        place = Place(
            id=pk,
            name=name,
            # bulk_create skips Place.save(): fill what it would have filled.
            slug=slugify(name)[:220] or "lieu",
            search_text=normalize_name(" ".join([name, summary, operator.name if operator else ""])),
            source=SOURCE,
            source_id=f"{SOURCE}-{pk}",
            operator_id=operator.id if operator else None,
            summary=summary,
            address=f"{rng.randint(1, 60)} {rng.choice(STREETS)}",
            postcode=commune.postcode,
            commune_id=commune.id,
            latitude=latitude,
            longitude=longitude,
            phone=f"03 86 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            opening_hours="" if is_itinerant else rng.choice(OPENING_HOURS),
            status=status,
            is_itinerant=is_itinerant,
            date_maj=self.today - dt.timedelta(days=rng.randint(0, 700)),
            verified=verified,
            verified_by="Coordination départementale" if verified else "",
        )
        links = chunk.links
        for term_id in weighted_sample(rng, self.typologies, rng.choice((1, 1, 1, 2))):
            links[Place.typologies.through].append((pk, term_id))
        for term_id in weighted_sample(rng, self.services, rng.randint(1, 4)):
            links[Place.services.through].append((pk, term_id))
        for term_id in weighted_sample(rng, self.audiences, rng.randint(1, 3)):
            links[Place.audiences.through].append((pk, term_id))
        for term_id in weighted_sample(rng, self.accessibility, rng.choice((0, 0, 1, 2))):
            links[Place.accessibility.through].append((pk, term_id))
        for term_id in weighted_sample(rng, self.labels, rng.choice((0, 0, 1, 1, 2))):
            links[Place.labels.through].append((pk, term_id))
        machines = rng.choices(range(len(EQUIPMENT_COUNT_WEIGHTS)), weights=EQUIPMENT_COUNT_WEIGHTS)[0]
        for kind_id in weighted_sample(rng, self.equipment, machines):
            chunk.equipment.append(
                Equipment(place_id=pk, kind_id=kind_id, quantity=rng.randint(1, 3), verified=rng.random() < 0.5)
            )
        if is_itinerant:
            neighbours = self.by_departement[commune.departement_id]
            for position, stop in enumerate(rng.sample(neighbours, min(len(neighbours), rng.randint(2, 4)))):
                chunk.stops.append(
                    ItinerantStop(
                        place_id=pk,
                        commune_id=stop.id,
                        location="Place de la mairie",
                        schedule=rng.choice(STOP_SCHEDULES),
                        position=position,
                    )
                )
        return place


def _insert(chunk: Chunk) -> None:
    Operator.objects.bulk_create(chunk.operators, batch_size=1000)
    Place.objects.bulk_create(chunk.places, batch_size=1000)
    Equipment.objects.bulk_create(chunk.equipment, batch_size=2000)
    ItinerantStop.objects.bulk_create(chunk.stops, batch_size=1000)
    for through, rows in chunk.links.items():
        _insert_links(through, rows)


def _insert_links(through: type, rows: list[tuple[int, int]]) -> None:
    """Plain executemany for the many-to-many rows: a third of the load time went into building their models."""
    quote = connection.ops.quote_name
    table = quote(through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({quote('place_id')}, {quote('term_id')}) VALUES (%s, %s)", rows)


def load_places(generator: DirectoryGenerator, count: int) -> float:
    """Insert count more places from the stream; return the seconds it took."""
    started = time.perf_counter()
    remaining = count
    while remaining > 0:
        size = min(CHUNK_SIZE, remaining)
        chunk = generator.chunk(size)
        with transaction.atomic():
            _insert(chunk)
            # Bulk inserts pass by the signals that keep the search index in step: fill it as imports do.
            index.refresh(place.pk for place in chunk.places)
        remaining -= size
    _after_bulk_load()
    return time.perf_counter() - started


def _after_bulk_load() -> None:
    """Leave the database as a deployed one would be: sequences past the ids given, statistics fresh.

    SQLite gets no ANALYZE: Django never runs one, so a deployed SQLite database
    plans without statistics, and so must the benchmark.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Operator, Place]):
                cursor.execute(sql)
            # Autovacuum would vacuum and analyse the new rows within a minute (PostgreSQL 13 and later vacuum
            # tables that only grow, too); do it now so that plans and index-only scans are settled.
            cursor.execute("VACUUM ANALYZE")


def sample_communes(communes: Sequence[CommunePoint], *, seed: int, size: int, required: Sequence[str]) -> list[str]:
    """INSEE codes of the communes searched from: half drawn by population (towns), half uniformly (villages)."""
    rng = random.Random(seed)
    chosen: dict[str, None] = dict.fromkeys(code for code in required if any(c.code == code for c in communes))
    populations = [max(c.population, 1) for c in communes]
    while len(chosen) < size:
        if len(chosen) % 2:
            commune = rng.choices(communes, weights=populations)[0]
        else:
            commune = rng.choice(communes)
        chosen.setdefault(commune.code, None)
    return list(chosen)
