"""GET /api/v1/places and /places/{id}: the public search and the fiche of a place, for partners' tools."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.importers.exporter import load_place_data
from directory.importers.native import place_to_dict
from directory.models import Operator, Place
from tests.factories import make_place

pytestmark = pytest.mark.django_db

PLACES = "/api/v1/places"
LUZY, NEVERS, CLAMECY, CHATEAU_CHINON = "58149", "58194", "58079", "58062"
MONDAY_MORNING = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)  # 11:00 in Paris


def _names(response) -> list[str]:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return [place["name"] for place in response.json()["results"]]


def _errors(response) -> dict[str, str]:  # noqa: ANN001
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == "Requête invalide."
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def directory() -> None:
    make_place(
        name="Fablab de Luzy",
        commune=LUZY,
        equipment=("3d_printer", "laser_cutter"),
        typologies=("FABLAB",),
        audiences=("professional",),
        accessibility=("wheelchair_access",),
        opening_hours="Mo-Fr 09:00-12:00",
    )
    make_place(name="Fablab de Nevers", commune=NEVERS, equipment=("3d_printer",), services=("training",))
    make_place(name="Médiathèque de Clamecy", commune=CLAMECY, services=("admin_procedures",), typologies=("BIB",))
    make_place(name="Atelier du Marault", commune=CLAMECY, audiences=("individual",))
    make_place(name="Écocentre fermé", commune=LUZY, equipment=("3d_printer",), status="closed")
    make_place(name="En travaux", commune=NEVERS, equipment=("3d_printer",), status="temporarily_closed")


def test_each_place_comes_with_its_commune_point_terms_status_and_licence(client):
    place = make_place(
        name="Fablab de Luzy",
        commune=LUZY,
        equipment=("3d_printer",),
        services=("training",),
        typologies=("FABLAB",),
        audiences=("professional",),
        accessibility=("wheelchair_access",),
        date_maj=dt.date(2026, 1, 15),
        verified=True,
    )
    place.equipment.update(verified=True)

    [item] = client.get(PLACES).json()["results"]

    assert item == {
        "id": place.pk,
        "name": "Fablab de Luzy",
        "commune": {"code": LUZY, "name": "Luzy"},
        "point": {"latitude": round(place.latitude, 6), "longitude": round(place.longitude, 6)},
        "distance_km": None,
        "typologies": [{"code": "FABLAB", "label": item["typologies"][0]["label"]}],
        "services": [{"code": "training", "label": "Formation"}],
        "equipment": [{"code": "3d_printer", "label": "Imprimante 3D", "quantity": 1, "verified": True}],
        "audiences": [{"code": "professional", "label": item["audiences"][0]["label"]}],
        "accessibility": [{"code": "wheelchair_access", "label": "Accessible en fauteuil roulant"}],
        "status": {"code": "open", "label": "Ouvert"},
        "url": f"http://127.0.0.1:8000/lieux/{place.pk}-fablab-de-luzy/",
        "date_maj": "2026-01-15",
        "verified": True,
        "source": "aiguillage",
        "licence": {
            "code": "etalab-2.0",
            "name": "Licence Ouverte / Open Licence 2.0",
            "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        },
        "credit": None,
    }
    assert item["typologies"][0]["label"] and item["audiences"][0]["label"]


def test_rows_from_mednum_bfc_carry_the_odbl_licence_and_the_mednum_bfc_credit(client):
    make_place(name="Cyber-base de Decize", source="mednum-bfc", source_id="bfc-1", licence="odbl-1.0")
    make_place(name="Tiers-lieu du territoire")

    results = {item["name"]: item for item in client.get(PLACES).json()["results"]}

    assert results["Cyber-base de Decize"]["credit"] == "MedNum BFC"
    assert results["Cyber-base de Decize"]["licence"]["code"] == "odbl-1.0"
    assert results["Cyber-base de Decize"]["licence"]["name"] == "Open Database License (ODbL) 1.0"
    assert results["Tiers-lieu du territoire"]["credit"] is None
    assert results["Tiers-lieu du territoire"]["licence"]["code"] == "etalab-2.0"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "imprimante 3D"},
        {"q": "marault"},
        {"q": "imprimante 3D", "ou": "luzy", "rayon": "30"},
        {"q": "imprimante 3D", "ou": "Luzy", "rayon": "100"},
        {"ou": "Clamecy"},
        {"type": "FABLAB"},
        {"service": "training"},
        {"equipement": "laser_cutter"},
        {"public": "professional"},
        {"accessibilite": "wheelchair_access"},
        {"q": "imprimante 3D", "public": "professional"},
    ],
    ids=lambda params: "&".join(f"{key}={value}" for key, value in params.items()) or "nothing",
)
def test_filters_find_the_same_places_in_the_same_order_as_the_search_page(client, directory, params):
    page = client.get(reverse("directory:results"), params)
    expected = [hit.place.name for hit in page.context["result"].hits]

    assert expected
    assert _names(client.get(PLACES, params)) == expected


def test_the_filters_actually_narrow_the_results(client, directory):
    assert _names(client.get(PLACES, {"equipement": "laser_cutter"})) == ["Fablab de Luzy"]
    assert _names(client.get(PLACES, {"q": "imprimante 3D"})) == ["En travaux", "Fablab de Luzy", "Fablab de Nevers"]
    assert _names(client.get(PLACES, {"q": "marault"})) == ["Atelier du Marault"]
    assert _names(client.get(PLACES, {"type": "BIB"})) == ["Médiathèque de Clamecy"]


def test_open_now_keeps_the_places_open_at_this_moment(client, directory):
    with time_machine.travel(MONDAY_MORNING, tick=False):
        assert _names(client.get(PLACES, {"ouvert": "true"})) == ["Fablab de Luzy"]
        assert len(_names(client.get(PLACES, {"ouvert": "false"}))) == 5


def test_a_commune_by_insee_code_sorts_by_distance_and_gives_each_distance(client, directory):
    body = client.get(PLACES, {"q": "imprimante 3D", "commune": LUZY, "rayon": "100"}).json()

    assert [item["name"] for item in body["results"]] == ["Fablab de Luzy", "En travaux", "Fablab de Nevers"]
    assert body["commune"] == {"code": LUZY, "name": "Luzy"}
    assert body["radius_km"] == 100
    assert body["results"][0]["distance_km"] < 1
    assert 60 < body["results"][2]["distance_km"] < 80
    assert body["matched_terms"] == [{"vocabulary": "equipment", "code": "3d_printer", "label": "Imprimante 3D"}]


def test_the_forgiving_commune_name_says_which_commune_it_understood(client, directory):
    body = client.get(PLACES, {"ou": "chateau chinon"}).json()

    assert body["commune"] == {"code": CHATEAU_CHINON, "name": "Château-Chinon (Ville)"}
    assert body["radius_km"] == 50
    assert all(item["distance_km"] is not None for item in body["results"])


def test_nothing_within_reach_says_how_far_the_nearest_match_is(client, directory):
    body = client.get(PLACES, {"equipement": "laser_cutter", "commune": CLAMECY, "rayon": "10"}).json()

    assert body["count"] == 0 and body["results"] == []
    assert 80 < body["nearest_beyond_km"] < 120


def test_closed_places_are_left_out_of_the_list_but_served_by_id(client, directory):
    closed = Place.objects.get(name="Écocentre fermé")

    assert "Écocentre fermé" not in _names(client.get(PLACES, {"page_size": "100"}))
    response = client.get(f"{PLACES}/{closed.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Écocentre fermé"
    assert response.json()["status"]["code"] == "closed"


def test_pages_carry_count_and_links_that_walk_through_every_place(client, settings):
    settings.SITE_URL = "https://aiguillage.example"
    for number in range(7):
        make_place(name=f"Lieu {number:02}", equipment=("3d_printer",))

    first = client.get(PLACES, {"q": "imprimante 3D", "page_size": "3"}).json()
    seen, page = [], first
    while True:
        seen += [item["name"] for item in page["results"]]
        if page["next"] is None:
            break
        assert page["next"].startswith("https://aiguillage.example/api/v1/places?")
        page = client.get(page["next"].removeprefix("https://aiguillage.example")).json()

    assert (first["count"], first["page"], first["pages"], first["page_size"]) == (7, 1, 3, 3)
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=3" in first["next"] and "q=imprimante+3D" in first["next"]
    assert seen == [f"Lieu {number:02}" for number in range(7)]
    assert page["page"] == 3 and page["next"] is None
    assert "page=2" in page["previous"]


def test_a_page_beyond_the_last_is_a_french_404(client, directory):
    response = client.get(PLACES, {"page": "2"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Cette page n'existe pas : la recherche donne 1 page(s).", "errors": []}


def test_blank_parameters_mean_not_given_as_on_the_search_page(client, directory):
    blank = {name: "" for name in ("q", "ou", "commune", "rayon", "type", "equipement", "ouvert", "page", "page_size")}

    assert _names(client.get(PLACES, blank)) == _names(client.get(PLACES))


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"commune": "58000"}, "commune", "Code INSEE inconnu : 58000."),
        (
            {"commune": "58 000"},
            "commune",
            "Code INSEE invalide : cinq caractères, par exemple 58095 (ou 2A004 en Corse). "
            "Le code postal ne convient pas.",
        ),
        (
            {"ou": "Trifouillis-les-Oies"},
            "ou",
            "Aucune commune ne correspond à « Trifouillis-les-Oies » : vérifiez l'orthographe, ou donnez son code "
            "INSEE (paramètre commune ; /communes?q= le trouve).",
        ),
        (
            {"ou": "Nevers", "commune": NEVERS},
            "ou",
            "Donnez la commune par « commune » ou par « ou », pas les deux.",
        ),
        (
            {"equipement": "teleporteur"},
            "equipement",
            "Code inconnu dans le vocabulaire « Équipement » : teleporteur. Les codes sont listés par "
            "/vocabularies/equipment.",
        ),
        (
            {"type": "3d_printer"},
            "type",
            "Code inconnu dans le vocabulaire « Typologie » : 3d_printer. Les codes sont listés par "
            "/vocabularies/typology.",
        ),
        ({"rayon": "0"}, "rayon", "La valeur doit être supérieure ou égale à 1."),
        ({"rayon": "101"}, "rayon", "La valeur doit être inférieure ou égale à 100."),
        ({"rayon": "loin"}, "rayon", "Un nombre entier est attendu."),
        ({"page": "0"}, "page", "La valeur doit être supérieure ou égale à 1."),
        ({"page_size": "101"}, "page_size", "La valeur doit être inférieure ou égale à 100."),
        ({"ouvert": "peut-être"}, "ouvert", "true ou false est attendu."),
        ({"q": "x" * 201}, "q", "200 caractères au plus."),
        ({"q": "scan\x00ner"}, "q", "Le texte contient des caractères non autorisés."),
        ({"ou": "Nev\x00ers"}, "ou", "Le texte contient des caractères non autorisés."),
    ],
)
def test_each_bad_parameter_gets_a_422_with_a_french_message_on_its_name(client, directory, params, field, message):
    assert _errors(client.get(PLACES, params)) == {field: message}


def test_the_number_of_queries_does_not_grow_with_the_page_size(client):
    def queries(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PLACES, params).status_code == 200
        return len(captured)

    def add_places(count: int) -> None:
        for _ in range(count):
            make_place(
                commune=NEVERS,
                equipment=("3d_printer", "laser_cutter"),
                services=("training",),
                typologies=("FABLAB",),
                audiences=("professional",),
                accessibility=("deaf",),
            )

    # Three places at least: a thinner result reads once more, for the wider distances it offers.
    add_places(3)
    client.get(PLACES)  # the vocabulary is read once, then kept a minute: compare warm requests
    small = [queries({"page_size": "2"}), queries({"q": "imprimante 3D", "commune": NEVERS, "page_size": "2"})]
    add_places(97)
    # Warm again: on a loaded machine, adding the places can outlast the minute the vocabularies are kept.
    client.get(PLACES, {"q": "imprimante 3D", "commune": NEVERS})
    large = [queries({"page_size": "100"}), queries({"q": "imprimante 3D", "commune": NEVERS, "page_size": "100"})]

    assert small == large
    assert max(large) <= 15


def test_the_etag_stays_while_nothing_changes_and_if_none_match_gets_a_304(client, directory):
    first = client.get(PLACES, {"q": "imprimante 3D"})
    etag = first["ETag"]

    again = client.get(PLACES, {"q": "imprimante 3D"}, HTTP_IF_NONE_MATCH=etag)
    other_list = client.get(PLACES, {"q": "imprimante 3D"}, HTTP_IF_NONE_MATCH=f'"other", {etag}')
    strong_form = client.get(PLACES, {"q": "imprimante 3D"}, HTTP_IF_NONE_MATCH=etag.removeprefix("W/"))
    other_search = client.get(PLACES, {"q": "découpe laser"}, HTTP_IF_NONE_MATCH=etag)

    assert etag.startswith('W/"') and len(etag) > 10
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Last-Modified"] == first["Last-Modified"]
    assert other_list.status_code == 304 and strong_form.status_code == 304
    assert other_search.status_code == 200 and other_search["ETag"] != etag


def test_a_change_to_a_listed_place_changes_the_etag(client, directory):
    etag = client.get(PLACES)["ETag"]
    place = Place.objects.get(name="Fablab de Nevers")
    place.phone = "03 86 00 00 00"
    place.name = "Fablab de Nevers (Inkub)"
    place.save()

    response = client.get(PLACES, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_last_modified_is_the_latest_change_and_if_modified_since_gets_a_304(client):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        make_place(name="Premier")
    with time_machine.travel(dt.datetime(2026, 3, 5, 14, 30, 15, tzinfo=dt.UTC), tick=False):
        make_place(name="Second")

    response = client.get(PLACES)
    same_date = client.get(PLACES, HTTP_IF_MODIFIED_SINCE="Thu, 05 Mar 2026 14:30:15 GMT")
    later = client.get(PLACES, HTTP_IF_MODIFIED_SINCE="Fri, 06 Mar 2026 00:00:00 GMT")
    earlier = client.get(PLACES, HTTP_IF_MODIFIED_SINCE="Thu, 05 Mar 2026 14:30:14 GMT")
    garbage = client.get(PLACES, HTTP_IF_MODIFIED_SINCE="hier soir")
    etag_wins = client.get(PLACES, HTTP_IF_MODIFIED_SINCE="Fri, 06 Mar 2026 00:00:00 GMT", HTTP_IF_NONE_MATCH='"x"')

    assert response["Last-Modified"] == "Thu, 05 Mar 2026 14:30:15 GMT"
    assert (same_date.status_code, later.status_code) == (304, 304)
    assert (earlier.status_code, garbage.status_code, etag_wins.status_code) == (200, 200, 200)


def test_a_place_that_leaves_the_results_moves_last_modified_forward(client):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        make_place(name="Reste ouvert", equipment=("3d_printer",))
        closing = make_place(name="Va fermer", equipment=("3d_printer",))
    before = client.get(PLACES, {"q": "imprimante 3D"})["Last-Modified"]
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        closing.status = "closed"
        closing.save()

    response = client.get(PLACES, {"q": "imprimante 3D"}, HTTP_IF_MODIFIED_SINCE=before)

    assert response.status_code == 200
    assert _names(response) == ["Reste ouvert"]
    assert response["Last-Modified"] == "Wed, 01 Apr 2026 09:00:00 GMT"


def test_an_empty_directory_has_an_etag_and_no_last_modified(client):
    response = client.get(PLACES)

    assert response.status_code == 200 and response.json()["count"] == 0
    assert response["ETag"]
    assert "Last-Modified" not in response


def test_head_answers_like_get_without_a_body(client, directory):
    get = client.get(PLACES)
    head = client.head(PLACES)

    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


# The fiche of one place.


def test_the_fiche_is_the_native_format_of_the_place_with_its_address_and_licence(client):
    operator = Operator.objects.create(name="Communauté de communes Bazois Loire Morvan", siret="20006796700012")
    place = make_place(
        name="Micro-Folie mobile",
        commune=NEVERS,
        operator=operator,
        equipment=("vr_headset",),
        services=("initiation",),
        stops=(LUZY, CLAMECY),
        is_itinerant=True,
        opening_hours="We 14:00-18:00",
        source="mednum-bfc",
        source_id="bfc-42",
        licence="odbl-1.0",
        date_maj=dt.date(2021, 5, 3),
    )

    body = client.get(f"{PLACES}/{place.pk}").json()

    native = place_to_dict(load_place_data(Place.objects.filter(pk=place.pk))[place.pk])
    assert {key: value for key, value in body.items() if key not in ("id", "url", "licence", "credit")} == native
    assert list(body)[2:-2] == list(native)
    assert body["id"] == place.pk
    assert body["url"] == f"http://127.0.0.1:8000/lieux/{place.pk}-micro-folie-mobile/"
    assert body["licence"]["code"] == "odbl-1.0"
    assert body["credit"] == "MedNum BFC"
    assert [stop["commune"] for stop in body["stops"]] == [LUZY, CLAMECY]
    assert body["operator"]["siret"] == "20006796700012"
    assert body["freshness"]["date_maj"] == "2021-05-03"


def test_an_unknown_place_is_a_french_404(client):
    response = client.get(f"{PLACES}/987654")

    assert response.status_code == 404
    assert response.json() == {"detail": "Lieu introuvable : aucun lieu n'a l'identifiant 987654.", "errors": []}


@pytest.mark.parametrize(
    ("place_id", "message"),
    [
        ("0", "La valeur doit être supérieure ou égale à 1."),
        ("abc", "Un nombre entier est attendu."),
        ("99999999999999999999", "La valeur doit être inférieure ou égale à 9\N{NO-BREAK SPACE}223"),
    ],
)
def test_an_id_that_cannot_name_a_place_is_a_422_on_place_id(client, place_id, message):
    errors = _errors(client.get(f"{PLACES}/{place_id}"))

    assert list(errors) == ["place_id"]
    assert errors["place_id"].startswith(message)


def test_the_fiche_has_its_etag_and_last_modified_and_answers_304_while_unchanged(client):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        place = make_place(name="Fablab")
    url = f"{PLACES}/{place.pk}"
    first = client.get(url)

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    not_since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        place.summary = "Impression 3D et découpe laser."
        place.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Last-Modified"] == "Mon, 02 Mar 2026 09:00:00 GMT"
    assert (unchanged.status_code, not_since.status_code) == (304, 304)
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed["Last-Modified"] == "Tue, 03 Mar 2026 09:00:00 GMT"
    assert changed.json()["summary"] == "Impression 3D et découpe laser."


def test_reads_refuse_writes_with_a_french_405(client, directory):
    response = client.post(PLACES, {}, content_type="application/json")

    assert response.status_code == 405
    assert response.json()["detail"] == "Méthode POST non autorisée : utilisez GET."
