"""The public pages: search, a scheme, exports; French messages on bad input; drafts stay private."""

import csv
import io
import zipfile

import pytest

from tests.funding.factories import LUZY, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanner():
    return make_scheme(
        title="Équipement des fablabs de la Nièvre",
        summary="Aide à l'achat de machines (scanner 3D, découpe laser) pour les fablabs associatifs.",
        beneficiaries=("association", "fablab"),
        themes=("digital_fabrication",),
        expenses=("equipment",),
        amount_floor="1000",
        amount_ceiling="15000",
        closes_on="2099-06-30",
    )


def test_the_search_page_lists_schemes_with_a_reason_in_one_line(client, scanner):
    response = client.get(f"/financements/?commune={LUZY}&beneficiaire=association&depense=equipment")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Équipement des fablabs de la Nièvre" in page
    assert "1 dispositif pour un projet à Luzy (58)" in page
    assert (
        "Pourquoi :</strong> périmètre : Nièvre (58) (comprend Luzy) ; ouvert aux publics : Associations ; "
        "finance : Équipement, matériel ; de 1\u202f000\u00a0€ à 15\u202f000\u00a0€" in page
    )


def test_free_text_is_folded_like_the_directory(client, scanner):
    assert "Équipement des fablabs" in client.get("/financements/?q=EQUIPEMENT+fablab").content.decode()
    assert "Équipement des fablabs" in client.get("/financements/?q=fablabs+équipement").content.decode()
    assert "Aucun dispositif ne correspond" in client.get("/financements/?q=tracteur").content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("montant=beaucoup", "Le montant doit être un nombre d&#x27;euros"),
        ("cloture=12", "Choisissez un délai de la liste."),
        ("beneficiaire=martiens", "« martiens » n&#x27;est pas dans la liste."),
        ("commune=999", "Le code de commune doit être un code INSEE à 5 caractères."),
        ("epci=200067882&commune=58149", "Choisissez une commune ou une intercommunalité, pas les deux."),
        ("page=0", "Le numéro de page commence à 1."),
    ],
)
def test_bad_input_gets_a_french_message_and_a_400(client, scanner, query, message):
    response = client.get(f"/financements/?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_amount_typed_the_french_way_is_understood(client, scanner):
    assert "Équipement des fablabs" in client.get("/financements/?montant=5+000,50").content.decode()
    assert "Équipement des fablabs" not in client.get("/financements/?montant=20000").content.decode()


def test_the_scheme_page_reads_for_anyone_and_a_draft_does_not(client, scanner):
    draft = make_scheme(title="Brouillon", status="draft")

    response = client.get(scanner.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Équipement des fablabs de la Nièvre</h1>" in page
    assert "À vérifier." in page
    assert client.get(f"/financements/{scanner.pk}/").status_code == 302
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post(scanner.get_absolute_url()).status_code == 405


def test_the_results_download_as_csv_and_ods(client, scanner):
    response = client.get("/financements/export.csv?beneficiaire=association")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][0] == "Intitulé" and rows[1][0] == "Équipement des fablabs de la Nièvre"

    ods = client.get("/financements/export.ods?beneficiaire=association")
    with zipfile.ZipFile(io.BytesIO(ods.content)) as archive:
        assert "Équipement des fablabs de la Nièvre" in archive.read("content.xml").decode()
    assert client.get("/financements/export.csv?montant=abc").status_code == 400


def test_the_navigation_links_to_funding(client):
    assert '<a href="/financements/">Financements</a>' in client.get("/").content.decode()


def test_the_search_page_weighs_under_100_kb_and_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for number in range(60):
        make_scheme(title=f"Dispositif de test {number}", beneficiaries=("association",))
    client.get("/financements/")
    with django_assert_max_num_queries(4):
        response = client.get(f"/financements/?commune={LUZY}&beneficiaire=association", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert len(response.content) < 100_000
