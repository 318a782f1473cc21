"""The national standard (Schéma des lieux de médiation numérique): export, import, round trips."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import frictionless
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from directory.importers import publishing
from directory.importers.files import export_file, import_file
from directory.importers.mednum import COLUMNS, iter_mednum_csv
from directory.importers.mednum_terms import LEGACY_VALUES
from directory.importers.publishing import open_datasets
from directory.importers.writer import ImportReport
from directory.models import Place, Term
from tests.directory.factories import LUZY, NEVERS, place_with_every_field
from tests.factories import make_place

STANDARDS = Path(settings.BASE_DIR) / "data" / "standards"
SCHEMA = STANDARDS / "schema-lieux-mediation-numerique-v1.0.2.json"
LEGACY_SCHEMA = STANDARDS / "schema-lieux-mediation-numerique-v0.1.1.json"
EXAMPLE = STANDARDS / "exemple-valide.csv"
LEGACY_FILE = Path(__file__).parent / "data" / "lieux-standard-v0.1.csv"
BFC_FILE = STANDARDS / "mednum-bfc" / "bfc-ternum-dataset-nievre-58.csv"
EXAMPLE_ACCESLIBRE = (
    "https://acceslibre.beta.gouv.fr/app/29-lampaul-plouarzel/a/bibliotheque-mediatheque/erp/mediatheque-13/"
)


def _validate(path: Path, schema: Path = SCHEMA) -> frictionless.Report:
    descriptor = json.loads(schema.read_text(encoding="utf-8"))
    with frictionless.system.use_context(trusted=True):
        return frictionless.validate(str(path), schema=frictionless.Schema.from_descriptor(descriptor), format="csv")


def _import(data: bytes, *, dry_run: bool = False, departements: tuple[str, ...] = ()) -> ImportReport:
    return import_file(data, format_name="mednum", actor="tests", dry_run=dry_run, departements=departements)


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _codes(place: Place, relation: str) -> set[str]:
    return set(getattr(place, relation).values_list("code", flat=True))


def _csv(*rows: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"date_maj": "2024-04-02", "code_postal": "58000", "code_insee": NEVERS, **row})
    return buffer.getvalue().encode("utf-8")


def _snapshot() -> list[tuple]:
    return list(Place.objects.order_by("pk").values_list("pk", "name", "source_id", "phone", "updated_at"))


@pytest.fixture
def places(db):
    """Places that exercise every corner of the mapping, and one closed for good."""
    place_with_every_field()
    bfc = make_place(
        name="Fablab de Luzy",
        commune=LUZY,
        source="mednum-bfc",
        source_id="mednumBFC_TL_1_",
        licence="odbl-1.0",
        phone="03 86 00 00 01",
        address="",
        postcode="",
        typologies=("FABLAB", "MINILAB"),
        services=("internet_access", "open_access"),
        equipment=("3d_printer",),
    )
    bfc.labels.set(
        Term.objects.filter(vocabulary="label", code__in=["aptic", "arnia_mednum_bfc_bourgogne_franche_comte"])
    )
    make_place(
        name="Médiathèque aux deux numéros",
        phone="03 86 00 00 02 ou 0600000003",
        access_directions="Entrée par la cour.\nSonnez deux fois.",
        description="Texte libre.\n",
        services=("admin_procedures", "digital_understanding"),
    )
    make_place(name="Lieu fermé", status="closed", source="tests", source_id="ferme")


# Export


def test_the_csv_export_validates_against_the_national_schema_and_a_broken_file_does_not(places, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_bytes(export_file(format_name="mednum-csv"))
    report = _validate(path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    broken = path.read_text(encoding="utf-8").replace("+33386000001", "03 86 00 00 01")
    broken = broken.replace("Accès internet et matériel informatique", "Imprimante 3D")
    (tmp_path / "casse.csv").write_text(broken, encoding="utf-8")
    report = _validate(tmp_path / "casse.csv")
    assert not report.valid
    assert sorted((row, name) for row, name, _ in report.flatten(["rowNumber", "fieldName", "type"])) == [
        (3, "services"),
        (3, "telephone"),
    ]


def test_the_demo_directory_exports_as_a_valid_national_csv(db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    path = tmp_path / "lieux.csv"
    path.write_bytes(export_file(format_name="mednum-csv"))
    report = _validate(path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = _rows(path.read_bytes())
    # 124 published places (the Écocentre is closed for good); 24 of them say nothing a national service could
    # stand for (kiosks, libraries and social-work sites listed with no service): the export leaves them out.
    assert Place.objects.exclude(status="closed").count() == 124
    assert len(rows) == 100
    bfc_rows = [row for row in rows if row["id"].startswith("mednum-bfc--")]
    assert len(bfc_rows) == 95
    assert {row["source"] for row in bfc_rows} == {"MedNum BFC"}
    assert all("(odbl-1.0), crédit « MedNum BFC »" in row["presentation_detail"] for row in bfc_rows)


def test_columns_come_in_the_order_of_the_schema(places):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    header = export_file(format_name="mednum-csv").decode("utf-8").split("\n", 1)[0]
    assert header.split(",") == [field["name"] for field in schema["fields"]] == list(COLUMNS)


def test_a_full_place_maps_to_the_columns_of_the_standard(places):
    (row,) = [row for row in _rows(export_file(format_name="mednum-csv")) if row["id"] == "tests--tout"]
    assert row["pivot"] == "12345678901234" and row["structure_parente"] == "Association Test"
    assert (row["commune"], row["code_postal"], row["code_insee"]) == ("Luzy", "58170", LUZY)
    assert (row["adresse"], row["complement_adresse"]) == ("1 rue de l'Essai", "Bâtiment B")
    assert (row["latitude"], row["longitude"]) == ("46.789123", "3.969877")
    assert row["typologie"] == "ASSO|FABLAB"
    assert row["telephone"] == "+33386000000"
    assert (row["itinerance"], row["date_maj"], row["source"]) == ("Itinérant", "2024-05-01", settings.SITE_NAME)
    assert row["publics_specifiquement_adresses"] == "Jeunes"
    assert row["prise_en_charge_specifique"] == "Surdité"
    assert row["frais_a_charge"] == "Payant"
    assert row["autres_formations_labels"] == "APTIC (chèques numériques)"
    assert row["modalites_acces"] == "Se présenter|Téléphoner"
    assert row["modalites_accompagnement"] == "Dans un atelier collectif"
    # Only innovation services, which the standard lacks: the crosswalk says what they are in its words.
    assert row["services"] == "Loisirs et créations numériques"
    assert row["prise_rdv"] == "https://rdv.example.org"
    detail = row["presentation_detail"]
    assert detail.startswith("Une description\nsur deux lignes.\n\nCompléments de l'annuaire :\n")
    for line in (
        "Services d'innovation : Découverte, initiation ; Accès libre encadré",
        "Publics accueillis : Particuliers ; Professionnels",
        "Accessibilité : Accessible en fauteuil roulant",
        "Machine : Imprimante 3D × 2",
        "Machine : Découpe laser, à confirmer ; note : à confirmer",
        "Étape : n° 0, Imphy (58134) ; lieu : Salle des fêtes ; passages : We[2] 14:00-18:00",
        "Étape : n° 0, Prémery (58218) ; passages : We[1] 14:00-18:00 ; note : Sur la place",
        "Service à distance : oui",
        "Tarifs : Adhésion annuelle.",
        "État : Fermé temporairement depuis le 05/06/2024 ; note : Travaux.",
        "RNA de la structure porteuse : W581000001",
        "Site de la structure porteuse : https://asso.example.org",
    ):
        assert line in detail.split("\n"), line


def test_missing_required_values_are_derived_and_the_licence_travels_with_each_row(places):
    rows = {row["nom"]: row for row in _rows(export_file(format_name="mednum-csv"))}
    luzy = rows["Fablab de Luzy"]
    assert luzy["id"] == "mednum-bfc--mednumBFC_TL_1_"
    assert luzy["pivot"] == "00000000000000"
    assert (luzy["adresse"], luzy["code_postal"]) == ("Luzy", "58170")
    # No date_maj: the day the record last changed.
    assert luzy["date_maj"] == timezone.localdate(Place.objects.get(name="Fablab de Luzy").updated_at).isoformat()
    assert luzy["source"] == "MedNum BFC"
    assert luzy["formations_labels"] == "Arnia/MedNum BFC (Bourgogne-Franche-Comté)"
    assert luzy["autres_formations_labels"] == "APTIC (chèques numériques)"
    assert luzy["typologie"] == "FABLAB" and "Type de lieu : Minilab" in luzy["presentation_detail"]
    assert luzy["presentation_detail"].endswith(
        "Licence des données : Open Database License (ODbL) 1.0 (odbl-1.0), crédit « MedNum BFC »"
    )
    two_numbers = rows["Médiathèque aux deux numéros"]
    assert two_numbers["telephone"] == ""
    assert "Téléphone : 03 86 00 00 02 ou 0600000003" in two_numbers["presentation_detail"]
    assert "Lieu fermé" not in rows


def test_the_json_export_carries_the_same_fields_and_the_licences(places):
    document = json.loads(export_file(format_name="mednum-json"))
    assert document["schema"]["version"] == "v1.0.2"
    assert [entry["code"] for entry in document["licences"]] == ["etalab-2.0", "odbl-1.0"]
    assert [credit["credit"] for credit in document["credits"]] == ["MedNum BFC"]
    csv_rows = _rows(export_file(format_name="mednum-csv"))
    assert [list(item) for item in document["lieux"]] == [list(COLUMNS)] * 3
    for item, row in zip(document["lieux"], csv_rows, strict=True):
        assert {key: "" if value is None else str(value) for key, value in item.items()} == row


# Round trips


@pytest.mark.parametrize("format_name", ["mednum-csv", "mednum-json"])
def test_export_import_export_is_byte_identical_even_into_an_empty_directory(places, format_name):
    first = export_file(format_name=format_name)
    Place.objects.all().delete()
    report = _import(first)
    assert report.ok and (report.created, report.warnings) == (3, [])
    assert export_file(format_name=format_name) == first
    report = _import(first)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_reimporting_an_export_updates_in_place_and_keeps_what_the_standard_cannot_say(places):
    first = export_file(format_name="mednum-csv")
    before = {(p.source, p.source_id): p.pk for p in Place.objects.all()}
    report = _import(first)
    assert report.ok and report.created == 0
    assert export_file(format_name="mednum-csv") == first
    assert {(p.source, p.source_id): p.pk for p in Place.objects.all()} == before
    full = Place.objects.get(source_id="tout")
    assert (full.verified, full.verified_by, full.point_source) == (True, "Coordination numérique", "manual")
    assert sorted(full.equipment.values_list("kind__code", "quantity", "verified")) == [
        ("3d_printer", 2, True),
        ("laser_cutter", 1, False),
    ]
    assert Place.objects.get(source_id="ferme").status == "closed"


@pytest.mark.parametrize("format_name", ["mednum-csv", "mednum-json"])
def test_an_empty_directory_exports_a_file_that_imports_as_nothing(db, format_name):
    report = _import(export_file(format_name=format_name))
    assert report.ok and (report.received, report.warnings) == (0, [])


def test_the_whole_demo_directory_round_trips(db):
    call_command("load_demo", stdout=io.StringIO())
    first = export_file(format_name="mednum-csv")
    Place.objects.all().delete()
    report = _import(first)
    assert report.ok and (report.created, report.warnings) == (100, [])
    assert export_file(format_name="mednum-csv") == first


# Import


def test_the_official_example_imports_with_its_oddities_reported(db):
    report = _import(EXAMPLE.read_bytes())
    assert report.ok and report.created == 1
    place = Place.objects.select_related("commune", "operator").get()
    assert (place.source, place.source_id, place.name) == ("hubik", "structure-1", "Anonymal")
    assert (place.commune.code, place.postcode, place.address) == ("51454", "51100", "12 BIS RUE DE LECLERCQ")
    assert (place.operator.name, place.operator.siret) == ("SIRET de la ville pour une bibliothèque.", "43493312300029")
    assert (place.phone, place.email) == ("01 80 05 98 80", "contact@laquincaillerie.tl")
    assert place.website == "https://www.laquincaillerie.tl/"
    assert (place.is_itinerant, place.date_maj, place.licence) == (True, dt.date(2024, 4, 2), "etalab-2.0")
    assert _codes(place, "typologies") == {"TIERS_LIEUX", "ASSO"}
    assert _codes(place, "services") == {"everyday_digital", "job_insertion", "digital_leisure"}
    assert _codes(place, "publics") == {"youth", "women"}
    assert _codes(place, "accessibility") == {"deaf", "illiteracy", "foreign_language_english"}
    assert _codes(place, "fees") == {"free_conditional", "paid"}
    assert _codes(place, "labels") == {
        "aidants_connect",
        "conseillers_numeriques",
        "la_croix_rouge",
        "forme_a_mon_espace_sante",
        "arnia_mednum_bfc_bourgogne_franche_comte",
    }
    assert _codes(place, "access_modes") == {"walk_in", "phone"}
    assert _codes(place, "support_modes") == {"autonomous", "individual", "group", "remote"}
    # The example's point is in Aix-en-Provence, its commune Reims.
    assert (place.latitude, place.longitude, place.point_to_check) == (
        place.commune.latitude,
        place.commune.longitude,
        True,
    )
    warnings = [f"{problem.field} : {problem.message}" for problem in report.warnings]
    assert any(w.startswith("latitude/longitude : le point fourni était à ") for w in warnings)
    assert "courriels : une seule valeur est gardée : « responsable@laquincaillerie.tl » ignorée" in warnings
    assert "autres_formations_labels : « Label et la bête » : aucun label de ce nom dans le vocabulaire, ignoré" in (
        warnings
    )
    # The Acceslibre record is kept: the place page links to it.
    assert place.acceslibre_url == EXAMPLE_ACCESLIBRE
    assert not [w for w in warnings if w.startswith("fiche_acces_libre")]


def test_the_known_inconsistencies_of_the_standard_are_read_as_their_values(db):
    report = _import(
        _csv(
            {
                "id": "a",
                "nom": "Lieu tolérant",
                "services": "Comprehension du monde numérique",
                "formations_labels": "Étapes numériques (La Poste)|Étapes numériques(La Poste)",
                "modalites_accompagnement": "Dans un atelier collectif : j'apprends collectivement à utiliser le "
                "numérique|À distance (par téléphone ou en visioconférence)",
                "dispositif_programmes_nationaux": "Formé à « DUPLEX » (illettrisme)",
            }
        )
    )
    assert report.ok and report.warnings == []
    place = Place.objects.get()
    assert _codes(place, "services") == {"digital_understanding"}
    assert _codes(place, "labels") == {"etapes_numeriques_la_poste", "forme_a_duplex_illettrisme"}
    assert _codes(place, "support_modes") == {"group", "remote"}


def test_a_legacy_v0_1_file_imports(db):
    assert _validate(LEGACY_FILE, LEGACY_SCHEMA).valid  # a real 0.1 file
    report = _import(LEGACY_FILE.read_bytes())
    assert report.ok and report.created == 2
    decize = Place.objects.select_related("operator", "commune").get(source_id="epn-decize")
    assert decize.source == "conseil-departemental-de-la-nievre"
    assert (decize.commune.code, decize.phone, decize.email) == ("58095", "03 86 25 00 00", "epn@decize.example.org")
    assert decize.website == "https://www.decize.example.org"
    assert (decize.operator.name, decize.operator.siret) == ("Ville de Decize", "21580095100016")
    assert len(decize.summary) == 280 and decize.summary.endswith("…")
    assert decize.description == "Atelier « premiers pas » le jeudi matin."
    assert _codes(decize, "typologies") == {"EPN", "MUNI"}
    assert _codes(decize, "services") == {"everyday_digital", "internet_access", "admin_procedures"}
    assert _codes(decize, "publics") == {"seniors", "youth"}
    assert _codes(decize, "accessibility") == {"deaf", "foreign_language_english", "foreign_language_other"}
    assert _codes(decize, "fees") == {"free"}
    assert _codes(decize, "labels") == {
        "aptic",
        "france_services",
        "conseillers_numeriques",
        "nievre_mediation_numerique",
    }
    assert _codes(decize, "support_modes") == {"autonomous", "group"}

    mairie = Place.objects.select_related("commune").get(source_id="mairie-chateau-chinon")
    assert mairie.commune.code == "58062"  # "CHATEAU CHINON", no INSEE code: the more populous of the two
    assert (mairie.latitude, mairie.point_source) == (mairie.commune.latitude, "commune")
    assert mairie.booking_url == "https://rdv.decize.example.org/chateau-chinon"
    assert _codes(mairie, "fees") == {"free_conditional"}
    assert _codes(mairie, "support_modes") == {"individual"}
    assert _codes(mairie, "publics") == set()  # "Adultes" has no equivalent
    messages = [str(problem) for problem in report.warnings]
    assert (
        "ligne 2 « Espace numérique de Decize » — labels_nationaux : valeur inconnue « French Tech », ignorée"
        not in (messages)
    )
    assert any("site_web : une seule valeur est gardée" in message for message in messages)
    assert any("presentation_resume : résumé de" in message for message in messages)


def test_unknown_values_are_reported_and_skipped_without_refusing_the_file(db):
    report = _import(
        _csv(
            {
                "id": "a",
                "nom": "Lieu A",
                "services": "Aide aux démarches administratives|Imprimante 3D",
                "typologie": "COMMUNE",
                "telephone": "pas un numéro mais un texte beaucoup trop long pour un téléphone",
                "horaires": "lundi 9h-12h",
                "date_maj": "hier",
            }
        )
    )
    assert report.ok and report.created == 1
    assert sorted(str(problem) for problem in report.warnings) == [
        "ligne 2 « Lieu A » — date_maj : date illisible « hier » : format attendu AAAA-MM-JJ, ignorée",
        "ligne 2 « Lieu A » — horaires : Horaires illisibles : « lundi 9h-12h » (« lundi » : jour inconnu, "
        "utilisez Mo, Tu, We, Th, Fr, Sa, Su ou PH). Horaires ignorés.",
        "ligne 2 « Lieu A » — services : valeur inconnue « Imprimante 3D », ignorée",
        "ligne 2 « Lieu A » — telephone : valeur invalide « pas un numéro mais un texte beaucoup trop long pour un "
        "téléphone », ignorée",
        "ligne 2 « Lieu A » — typologie : valeur inconnue « COMMUNE », ignorée",
    ]
    place = Place.objects.get()
    assert _codes(place, "services") == {"admin_procedures"}
    assert (place.phone, place.opening_hours, place.date_maj) == ("", "", None)


def test_a_bad_file_is_refused_with_a_french_report_per_row_and_nothing_written(db):
    _import(_csv({"id": "garde", "nom": "Déjà là", "telephone": "+33386000000"}))
    before = _snapshot()
    report = _import(
        _csv(
            {"id": "garde", "nom": "Déjà là", "telephone": "+33386999999"},
            {"id": "b", "nom": ""},
            {"id": "", "nom": "Sans identifiant"},
            {"id": "d", "nom": "Nulle part", "code_insee": "99999", "commune": "Atlantide", "code_postal": "99999"},
            {"id": "e", "nom": "Doublon"},
            {"id": "e", "nom": "Doublon encore"},
        )
    )
    assert not report.ok
    assert report.summary() == "Fichier refusé : 4 erreurs, rien n'a été écrit."
    assert [str(problem) for problem in report.errors] == [
        "ligne 3 — nom : champ obligatoire manquant",
        "ligne 4 « Sans identifiant » — id : champ obligatoire manquant",
        "ligne 5 « Nulle part » — code_insee : code INSEE « 99999 » inconnu : « Atlantide » (99999)",
        "ligne 7 « Doublon encore » — provenance : même source et même identifiant que ligne 6",
    ]
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BFC_FILE.read_bytes(), "colonnes absentes : id, nom"),
        (b"{ pas du json", "JSON invalide ligne 1, colonne 3"),
        (b'{"lieux": 3}', "attendu une liste de lieux"),
        (b"\xff\xfe", "le fichier n'est pas en UTF-8"),
    ],
)
def test_a_file_that_is_not_the_standard_is_refused(db, data, message):
    report = _import(data)
    assert not report.ok
    assert message in str(report.errors[0])
    assert not Place.objects.exists()


def test_a_row_naming_only_some_columns_leaves_the_others_alone(places):
    full = Place.objects.get(source_id="tout")
    data = b"id,nom,code_insee,telephone\ntests--tout,Fablab complet,58149,+33386111111\n"
    report = _import(data)
    assert (report.updated, report.ok) == (1, True)
    full.refresh_from_db()
    assert (full.phone, full.summary, full.status) == (
        "03 86 11 11 11",
        "Un fablab où tout est rempli.",
        "temporarily_closed",
    )
    assert full.equipment.count() == 2


def test_the_departement_option_keeps_only_its_rows(db):
    report = _import(
        _csv({"id": "a", "nom": "Nevers"}, {"id": "b", "nom": "Autun", "code_insee": "71014", "code_postal": "71400"}),
        departements=("58",),
    )
    assert (report.created, report.filtered_out) == (1, 1)


def test_a_semicolon_separated_csv_is_read_too(db):
    data = _csv({"id": "a", "nom": "Lieu au point-virgule"}).decode().replace(",", ";").encode()
    assert _import(data).created == 1


# Commands, streaming, catalogue


def test_the_commands_export_and_import_the_national_formats(places, tmp_path):
    path = tmp_path / "lieux.csv"
    out = io.StringIO()
    call_command("export_places", str(path), format="mednum-csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"3 lieux exportés dans {path}."
    assert "cite « MedNum BFC »" in lines[1]
    Place.objects.all().delete()
    out = io.StringIO()
    call_command("import_places", str(path), format="mednum", stdout=out)
    assert out.getvalue().strip() == "3 lieux lus : 3 créés, 0 mis à jour, 0 inchangé."
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(_csv({"id": "x", "nom": ""}))
    with pytest.raises(CommandError, match="Fichier refusé : 1 erreur, rien n'a été écrit."):
        call_command("import_places", str(bad), format="mednum-csv", stderr=io.StringIO())


def test_the_national_csv_streams_for_any_queryset_with_the_same_bytes(places, monkeypatch):
    monkeypatch.setattr(publishing, "BATCH_SIZE", 1)
    streamed = b"".join(iter_mednum_csv(Place.objects.all()))
    assert streamed == export_file(format_name="mednum-csv")
    only_luzy = b"".join(iter_mednum_csv(Place.objects.filter(commune__code=LUZY)))
    assert [row["nom"] for row in _rows(only_luzy)] == ["Fablab de Luzy", "Fablab complet"]
    ranked = b"".join(iter_mednum_csv(Place.objects.order_by("-name"), keep_order=True))
    assert [row["nom"] for row in _rows(ranked)] == ["Médiathèque aux deux numéros", "Fablab de Luzy", "Fablab complet"]


def test_the_open_data_catalogue_counts_records_and_knows_the_last_change(places):
    datasets = {dataset.format_name: dataset for dataset in open_datasets()}
    assert set(datasets) == {"mednum-csv", "mednum-json", "data-inclusion", "geojson"}
    assert datasets["mednum-csv"].records == 3
    # 3 structures, and the services: 2 + 2 + 2.
    assert datasets["data-inclusion"].records == 3 + 6
    assert datasets["geojson"].last_update == Place.objects.exclude(status="closed").latest("updated_at").updated_at
    assert [credit["credit"] for credit in datasets["geojson"].credits] == ["MedNum BFC"]


def test_every_legacy_target_is_a_code_of_our_vocabularies(db):
    vocabularies = {"publics": "public", "accessibility": "accessibility", "fees": "fee", "labels": "label"}
    vocabularies |= {"services": "service", "support_modes": "support_mode"}
    for table in LEGACY_VALUES.values():
        for pairs in table.values():
            for attribute, code in pairs:
                assert Term.objects.filter(vocabulary=vocabularies[attribute], code=code).exists(), code
