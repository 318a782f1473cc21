import datetime as dt

import pytest

from directory.models import Term
from directory.search import SearchQuery, match_need, search
from territory.models import Commune
from tests.factories import make_place

LUZY, NEVERS, CLAMECY, AUTUN = "58149", "58194", "58079", "71014"


def _search(**kwargs: object) -> list[str]:
    return [hit.place.name for hit in search(SearchQuery(**kwargs)).hits]


@pytest.mark.parametrize(
    ("need", "code"),
    [
        ("imprimante 3D", "3d_printer"),
        ("Imprimantes 3d", "3d_printer"),
        ("je cherche une imprimante", "3d_printer"),
        ("scanner les pieds de mes clients en 3D", "3d_scanner"),
        ("broder des t-shirts", "embroidery_machine"),
        ("casque de réalité virtuelle", "vr_headset"),
        ("un fablab", "FABLAB"),
    ],
)
def test_it_finds_the_vocabulary_a_need_names(db, need, code):
    matched, _ = match_need(need, list(Term.objects.filter(vocabulary__in=["equipment", "service", "typology"])))
    assert code in [term.code for term in matched]


def test_a_need_without_known_words_matches_nothing(db):
    assert match_need("xylophone", list(Term.objects.all())) == ([], ["xylophone"])


def test_it_sorts_by_distance_and_keeps_only_places_within_reach(db):
    make_place(name="Fablab de Luzy", commune=LUZY, equipment=("3d_printer",))
    make_place(name="Fablab de Nevers", commune=NEVERS, equipment=("3d_printer",))
    make_place(name="Médiathèque de Luzy", commune=LUZY, services=("admin_procedures",))
    luzy = Commune.objects.get(code=LUZY)
    result = search(SearchQuery(need="imprimante 3D", commune=luzy, radius_km=100))
    assert [hit.place.name for hit in result.hits] == ["Fablab de Luzy", "Fablab de Nevers"]
    assert result.hits[0].distance_km < 1
    assert 60 < result.hits[1].distance_km < 80
    assert _search(need="imprimante 3D", commune=luzy, radius_km=30) == ["Fablab de Luzy"]


def test_it_says_how_far_the_nearest_match_is_when_none_is_within_reach(db):
    make_place(name="Fablab de Clamecy", commune=CLAMECY, equipment=("laser_cutter",))
    result = search(SearchQuery(need="découpe laser", commune=Commune.objects.get(code=LUZY), radius_km=10))
    assert result.total == 0
    assert 80 < result.nearest_beyond_km < 120


def test_closed_places_never_appear(db):
    make_place(name="Écocentre", commune=LUZY, equipment=("3d_printer",), status="closed")
    make_place(name="En travaux", commune=LUZY, equipment=("3d_printer",), status="temporarily_closed")
    assert _search(need="imprimante 3D") == ["En travaux"]
    assert _search(need="imprimante 3D", commune=Commune.objects.get(code=LUZY)) == ["En travaux"]


def test_an_itinerant_unit_is_as_near_as_its_nearest_stop(db):
    make_place(name="Micro-Folie mobile", commune=NEVERS, is_itinerant=True, stops=(LUZY,), equipment=("vr_headset",))
    result = search(SearchQuery(need="réalité virtuelle", commune=Commune.objects.get(code=LUZY), radius_km=10))
    assert [hit.place.name for hit in result.hits] == ["Micro-Folie mobile"]
    assert result.hits[0].distance_km < 1


def test_filters_narrow_the_results(db):
    make_place(name="Pro", audiences=("professional",), accessibility=("wheelchair_access",), typologies=("FABLAB",))
    make_place(name="Particuliers", audiences=("individual",), typologies=("BIB",))
    assert _search(filters={"audience": "professional"}) == ["Pro"]
    # Unknown is not no: a place that says nothing comes after those that say yes; one that says no is left out.
    make_place(name="À l'étage", accessibility_no=("wheelchair_access",))
    assert _search(filters={"accessibility": "wheelchair_access"}) == ["Pro", "Particuliers"]
    hits = search(SearchQuery(filters={"accessibility": "wheelchair_access"})).hits
    assert [(hit.access, hit.to_confirm) for hit in hits] == [("yes", False), ("unknown", True)]
    assert _search(filters={"typology": "BIB"}) == ["Particuliers"]
    assert _search(filters={"typology": "nonexistent"}) == []


def test_open_now_keeps_places_open_at_that_moment(db):
    make_place(name="Matin", opening_hours="Mo-Fr 09:00-12:00")
    make_place(name="Après-midi", opening_hours="Mo-Fr 14:00-17:00")
    make_place(name="Sans horaires")
    monday_morning = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)  # 11:00 in Paris
    assert _search(open_now=True, now=monday_morning) == ["Matin"]
    assert _search(open_now=True, now=monday_morning, commune=Commune.objects.get(code=NEVERS)) == ["Matin"]


def test_a_word_that_names_no_vocabulary_searches_place_names(db):
    make_place(name="Atelier du Marault")
    make_place(name="Autre lieu")
    assert _search(need="marault") == ["Atelier du Marault"]


def test_it_paginates(db, settings):
    settings.SEARCH_PAGE_SIZE = 2
    for index in range(5):
        make_place(name=f"Lieu {index}", equipment=("3d_printer",))
    result = search(SearchQuery(need="imprimante 3D", page=3))
    assert (result.total, result.page_count, [hit.place.name for hit in result.hits]) == (5, 3, ["Lieu 4"])
    assert search(SearchQuery(need="imprimante 3D", page=99)).page == 3


def test_places_outside_the_served_territory_are_found_near_the_border(db):
    make_place(name="Fablab d'Autun", commune=AUTUN, equipment=("3d_printer",))
    assert _search(need="imprimante 3D", commune=Commune.objects.get(code=LUZY), radius_km=50) == ["Fablab d'Autun"]


def test_pages_follow_distance_then_name_even_where_many_places_are_as_far(db):
    # Twelve places at the same point (the same rounded distance) and a few farther: names decide among the twelve.
    names = [f"Lieu {letter}" for letter in "LKJIHGFEDCBA"]
    for name in names:
        make_place(name=name, commune=LUZY, equipment=("3d_printer",))
    for offset, name in enumerate(["Plus loin 1", "Plus loin 2", "Plus loin 3"], start=1):
        luzy = Commune.objects.get(code=LUZY)
        make_place(name=name, commune=LUZY, latitude=luzy.latitude + offset * 0.05, equipment=("3d_printer",))
    luzy = Commune.objects.get(code=LUZY)
    everything = sorted(names) + ["Plus loin 1", "Plus loin 2", "Plus loin 3"]
    for size in (1, 4, 5, 20):
        pages = []
        for page in range(1, -(-len(everything) // size) + 1):
            query = SearchQuery(need="imprimante 3D", commune=luzy, radius_km=30, page=page)
            pages += [hit.place.name for hit in search(query, page_size=size).hits]
        assert pages == everything
