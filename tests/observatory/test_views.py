import gzip
import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from odfdo import Document

from accounts.models import Role
from territory.models import Commune
from tests.accounts.factories import make_coordinator, make_user
from tests.factories import make_place

LUZY, CLAMECY, NEVERS = "58149", "58079", "58194"
STATIC = Path(settings.BASE_DIR)
CSS = [STATIC / "aiguillage/static/css/site.css", STATIC / "observatory/static/observatory/observatory.css"]
MAP_PAGE_LIMIT = 150 * 1024
LOGIN_ONLY = ["requests", "coverage", "unmet", "whatif", "report", "report_odt"]


@pytest.fixture
def directory(db):
    make_place(name="FabLab de Luzy", commune=LUZY, equipment=("3d_printer", "laser_cutter"))
    make_place(name="FabLab de Clamecy", commune=CLAMECY, equipment=("3d_printer",))
    make_place(name="Médiathèque de Nevers", commune=NEVERS)
    make_place(
        name="Micro-Folie itinérante", commune=NEVERS, equipment=("vr_headset",), is_itinerant=True, stops=(LUZY,)
    )


@pytest.fixture
def coordinator(client, directory):
    user = make_coordinator()
    client.force_login(user)
    return user


def text(response) -> str:
    return html.unescape(response.content.decode())


def transferred(client, url: str, params: dict | None = None) -> int:
    """Bytes on the wire: the page as the server compresses it, and its style sheets compressed."""
    response = client.get(url, params or {}, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    return len(response.content) + sum(len(gzip.compress(path.read_bytes())) for path in CSS)


def assert_no_inline_code(body: str) -> None:
    """What the content security policy forbids: inline styles, style elements, inline scripts, handlers."""
    assert " style=" not in body
    assert "<style" not in body
    assert not re.search(r"<script(?![^>]*\ssrc=)", body)
    assert not re.search(r"\son[a-z]+=", body)


def test_the_public_page_draws_the_named_machines_without_login(client, directory):
    response = client.get(reverse("observatory:summary"))
    assert response.status_code == 200
    body = text(response)
    machines = response.context["page"].sections["machines"].table
    assert [row[0] for row in machines.rows] == [
        "Imprimante 3D",
        "Découpe laser",
        "Scanner 3D",
        "Brodeuse numérique",
        "Casque de réalité virtuelle",
    ]
    assert [row[1] for row in machines.rows] == [2, 1, 0, 0, 1]
    assert body.count('<use href="#o') == 309
    assert body.count('<path id="o') == 309
    assert "Sont comptés les lieux ouverts dont la fiche indique cette machine" in body
    assert "IGN Admin Express" in body and "MedNum BFC" in body
    assert_no_inline_code(body)


def test_the_public_page_is_kept_until_a_place_changes(client, directory, django_assert_num_queries):
    url = reverse("observatory:summary")
    first = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == first
    make_place(name="Atelier broderie", commune=NEVERS, equipment=("embroidery_machine",))
    machines = client.get(url).context["page"].sections["machines"].table
    assert [row[1] for row in machines.rows] == [2, 1, 0, 1, 1]


def test_signed_in_readers_get_the_page_computed_for_them(client, coordinator):
    url = reverse("observatory:summary")
    client.get(url)
    assert client.get(url).context["observer"] is True


def test_the_public_page_weighs_less_than_150_kb_with_its_map(client, directory):
    assert transferred(client, reverse("observatory:summary"), {"machine": "vr_headset"}) < MAP_PAGE_LIMIT


def test_the_map_tells_classes_apart_by_pattern_and_label_not_colour_alone(client, directory):
    response = client.get(reverse("observatory:summary"), {"machine": "vr_headset"})
    body = text(response)
    for pattern in ("k0", "k1", "k2", "k3", "k4"):
        # Every class but the plainest carries marks over its colour.
        assert f'<pattern id="{pattern}"' in body
    assert re.search(r'<pattern id="k2"[^>]*>.*?<path d="M0 8L8 0', body)
    legend = [item.label for item in response.context["page"].maps[0].legend]
    assert legend[:5] == ["10 km ou moins", "10 à 20 km", "20 à 30 km", "30 à 45 km", "plus de 45 km"]
    assert "<title>Luzy : 0 km</title>" in body
    assert "étape d'un lieu itinérant qui l'a" in body


def test_an_unknown_machine_is_refused_in_french(client, directory):
    response = client.get(reverse("observatory:summary"), {"machine": "teleporteur"})
    assert response.status_code == 400
    assert "Choisissez une machine de la liste." in text(response)


def test_pages_refuse_to_write(client, coordinator):
    assert client.post(reverse("observatory:summary")).status_code == 405
    assert client.post(reverse("observatory:whatif")).status_code == 405


@pytest.mark.parametrize("name", LOGIN_ONLY)
def test_dashboards_ask_to_sign_in(client, directory, name):
    response = client.get(reverse(f"observatory:{name}"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", LOGIN_ONLY)
def test_dashboards_are_for_coordinators_and_partners_only(client, directory, name):
    client.force_login(make_user("mediatrice@example.org", role=Role.MEDIATOR))
    assert client.get(reverse(f"observatory:{name}")).status_code == 403
    client.force_login(make_user("partenaire@example.org", role=Role.PARTNER))
    assert client.get(reverse(f"observatory:{name}")).status_code == 200


def test_the_requests_dashboard_refuses_a_bad_month(client, coordinator):
    response = client.get(reverse("observatory:requests"), {"du": "janvier", "au": "2026-03"})
    assert response.status_code == 400
    assert "indiquez un mois sous la forme AAAA-MM" in text(response)
    response = client.get(reverse("observatory:requests"), {"du": "2026-05", "au": "2026-03"})
    assert "Le premier mois doit venir avant le dernier." in text(response)


def test_the_requests_dashboard_draws_each_chart_beside_its_table(client, coordinator):
    response = client.get(reverse("observatory:requests"))
    body = text(response)
    for slug in ("besoins", "publics", "intercommunalites", "mois", "issues", "besoins-non-couverts", "fraicheur"):
        assert f'id="graphique-{slug}-title"' in body
        assert reverse("observatory:export", kwargs={"slug": slug, "extension": "ods"}) in body
    assert_no_inline_code(body)


def test_the_requests_dashboard_reads_a_fixed_number_of_queries(client, coordinator, django_assert_max_num_queries):
    with django_assert_max_num_queries(45):
        client.get(reverse("observatory:requests"))


def test_coverage_of_a_service_for_one_epci(client, coordinator):
    epci = Commune.objects.select_related("epci").get(code=LUZY).epci
    params = {"sujet": "equipment:3d_printer", "territoire": epci.siren}
    response = client.get(reverse("observatory:coverage"), params)
    assert response.status_code == 200
    rows = response.context["page"].sections["communes"].table.rows
    assert 30 < len(rows) < 80
    assert text(response).count('<use href="#o') == len(rows)
    assert transferred(client, reverse("observatory:coverage"), params) < MAP_PAGE_LIMIT


def test_coverage_refuses_an_unknown_subject_or_territory(client, coordinator):
    assert client.get(reverse("observatory:coverage"), {"sujet": "equipment:nope"}).status_code == 400
    response = client.get(reverse("observatory:coverage"), {"sujet": "equipment:3d_printer", "territoire": "123"})
    assert response.status_code == 400
    assert "Choisissez le territoire ou l'une de ses intercommunalités." in text(response)


def test_the_what_if_page_compares_the_suggestion_with_a_chosen_scenario(client, coordinator):
    params = {"sujet": "equipment:3d_scanner", "k": "2", "choix": "Clamecy, Luzy", "parmi": "places"}
    response = client.get(reverse("observatory:whatif"), params)
    assert response.status_code == 200
    table = response.context["page"].sections["comparaison"].table
    assert table.columns == [
        "Indicateur",
        "Aujourd'hui",
        "Proposition : la distance moyenne la plus courte",
        "Votre scénario",
    ]
    assert table.rows[0][3] == "Clamecy, Luzy"
    assert table.rows[1][1] == "aucun lieu"
    assert len(response.context["page"].maps) == 3
    assert transferred(client, reverse("observatory:whatif"), params) < MAP_PAGE_LIMIT
    assert_no_inline_code(text(response))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"k": "99"}, "Au plus 10 lieux."),
        ({"k": "deux"}, "Indiquez un nombre entier."),
        ({"rayon": "0"}, "Au moins 1 km."),
        ({"choix": "Atlantis"}, "Introuvable : « Atlantis »"),
        ({"sujet": "equipment:3d_scanner", "k": "5"}, "Choisissez entre 1 et 4 lieux à équiper."),
    ],
)
def test_the_what_if_page_explains_what_it_cannot_compute(client, coordinator, params, message):
    response = client.get(reverse("observatory:whatif"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_every_table_downloads_as_csv_and_ods(client, coordinator):
    response = client.get(reverse("observatory:export", kwargs={"slug": "machines", "extension": "csv"}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="observatoire-machines.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Machine;Lieux ouverts qui l'ont;dont confirmés;Habitants à plus de 10 km;%")
    assert lines[1].startswith("Imprimante 3D;2;0;")
    response = client.get(
        reverse("observatory:export", kwargs={"slug": "couverture-communes", "extension": "ods"}),
        {"sujet": "equipment:3d_printer"},
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    # The header, 309 communes, a blank row and the note on distances.
    assert archive.read("content.xml").count(b"<table:table-row>") == 312


def test_a_cell_that_looks_like_a_formula_is_kept_as_text(client, coordinator):
    make_place(name='=HYPERLINK("x")', commune=LUZY, equipment=("embroidery_machine",))
    response = client.get(
        reverse("observatory:export", kwargs={"slug": "couverture-lieux", "extension": "csv"}),
        {"sujet": "equipment:embroidery_machine"},
    )
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_exports_check_who_asks_and_what(client, directory):
    public = reverse("observatory:export", kwargs={"slug": "couverture-zones", "extension": "csv"})
    assert client.get(public, {"machine": "3d_printer"}).status_code == 200
    assert client.get(public, {"sujet": "service:training"}).status_code == 403
    assert client.get(reverse("observatory:export", kwargs={"slug": "mois", "extension": "csv"})).status_code == 403
    assert client.get(reverse("observatory:export", kwargs={"slug": "nope", "extension": "csv"})).status_code == 404
    assert client.get(reverse("observatory:export", kwargs={"slug": "mois", "extension": "xls"})).status_code == 404
    response = client.get(public, {"machine": "teleporteur"})
    assert response.status_code == 400 and "Paramètres invalides" in response.content.decode()


def test_the_report_prints_and_downloads_as_an_odt_with_real_tables(client, coordinator):
    response = client.get(reverse("observatory:report"), {"sujet": "equipment:3d_scanner", "k": "1"})
    assert response.status_code == 200
    body = text(response)
    assert "Simulation : où ajouter scanner 3d ?" in body
    assert body.count('class="map-svg"') == 6  # five machines and the simulation
    response = client.get(reverse("observatory:report_odt"), {"sujet": "equipment:3d_scanner", "k": "1"})
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    document = Document(io.BytesIO(response.content))
    tables = document.body.get_tables()
    assert len(tables) == 4
    machines = tables[0]
    assert machines.get_values()[0][:3] == ["Machine", "Lieux ouverts qui l'ont", "dont confirmés"]
    assert [row[0] for row in machines.get_values()[1:]] == [
        "Imprimante 3D",
        "Découpe laser",
        "Scanner 3D",
        "Brodeuse numérique",
        "Casque de réalité virtuelle",
    ]
    header, suggested = tables[3].get_values()
    assert header == ["Scénario", "N°", "Lieu", "Commune"]
    assert suggested[2] in {"FabLab de Luzy", "FabLab de Clamecy", "Médiathèque de Nevers", "Micro-Folie itinérante"}


def test_the_report_says_when_the_simulation_cannot_be_computed(client, coordinator):
    response = client.get(reverse("observatory:report"), {"sujet": "equipment:3d_scanner", "k": "9"})
    assert response.status_code == 200
    assert "Simulation impossible : Choisissez entre 1 et 4 lieux à équiper." in text(response)
