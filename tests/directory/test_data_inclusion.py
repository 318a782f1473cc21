"""data·inclusion v1: one structure per place, one service per service, valid for the package's own models."""

import io
import json

import pydantic
import pytest
from data_inclusion.schema import v1
from django.conf import settings
from django.core.management import call_command

from directory.importers import data_inclusion
from directory.importers.files import export_file
from directory.models import Place, Term
from tests.directory.factories import LUZY, place_with_every_field
from tests.factories import make_place

STRICT = {"ignore_warnings": False}


def _document() -> dict:
    return json.loads(export_file(format_name="data-inclusion"))


def _validate(document: dict) -> None:
    for structure in document["structures"]:
        v1.Structure.model_validate(structure, context=STRICT)
    for service in document["services"]:
        v1.Service.model_validate(service, context=STRICT)


@pytest.fixture
def places(db):
    full = place_with_every_field()
    full.services.add(*Term.objects.filter(vocabulary="service", code__in=["admin_procedures", "affordable_equipment"]))
    bfc = make_place(
        name="Espace public numérique.",
        commune=LUZY,
        source="mednum-bfc",
        source_id="mednumBFC_TL_9_",
        licence="odbl-1.0",
        typologies=("EPN", "MUNI"),
        services=("internet_access",),
        phone="03 86 00 00 01",
        email="epn@luzy.example.org",
    )
    bfc.fees.set(Term.objects.filter(vocabulary="fee", code="free"))
    bfc.labels.set(Term.objects.filter(vocabulary="label", code__in=["france_services", "conseillers_numeriques"]))
    bfc.access_modes.set(Term.objects.filter(vocabulary="access_mode", code__in=["walk_in", "prescription"]))
    make_place(name="Lieu fermé", status="closed", services=("initiation",))
    return full, bfc


def test_every_structure_and_service_of_the_demo_validates_with_the_package_models(db):
    call_command("load_demo", stdout=io.StringIO())
    document = _document()
    published = Place.objects.exclude(status="closed")
    assert len(document["structures"]) == published.count() == 124
    assert len(document["services"]) == sum(place.services.count() for place in published)
    _validate(document)


def test_the_package_models_do_refuse_a_wrong_record(places):
    structure = _document()["structures"][0]
    with pytest.raises(pydantic.ValidationError):
        v1.Structure.model_validate({**structure, "nom": "ab"}, context=STRICT)
    service = _document()["services"][0]
    with pytest.raises(pydantic.ValidationError):
        v1.Service.model_validate({**service, "thematiques": ["numerique--imprimer-en-3d"]}, context=STRICT)


def test_each_place_is_one_structure_and_each_of_its_services_a_service_linked_to_it(places):
    document = _document()
    _validate(document)
    assert [structure["id"] for structure in document["structures"]] == [
        "mednum-bfc--mednumBFC_TL_9_",
        "tests--tout",
    ]
    assert sorted(service["id"] for service in document["services"]) == [
        "mednum-bfc--mednumBFC_TL_9_--internet_access",
        "tests--tout--admin_procedures",
        "tests--tout--affordable_equipment",
        "tests--tout--initiation",
        "tests--tout--open_access",
    ]
    structure_ids = {structure["id"] for structure in document["structures"]}
    assert all(service["structure_id"] in structure_ids for service in document["services"])
    assert "Lieu fermé" not in json.dumps(document, ensure_ascii=False)


def test_the_structure_carries_identity_contact_and_networks(places):
    full, bfc = places
    structures = {structure["id"]: structure for structure in _document()["structures"]}
    epn = structures["mednum-bfc--mednumBFC_TL_9_"]
    assert epn["nom"] == "Espace public numérique"  # no final full stop
    assert (epn["source"], epn["code_insee"], epn["commune"]) == ("mednum-bfc", LUZY, "Luzy")
    assert (epn["telephone"], epn["courriel"]) == ("+33386000001", "epn@luzy.example.org")
    assert epn["reseaux_porteurs"] == [
        "communes",
        "conseillers-numeriques",
        "espaces-publics-numeriques",
        "france-service",
    ]
    assert epn["lien_source"] == settings.SITE_URL + bfc.get_absolute_url()
    tout = structures["tests--tout"]
    assert (tout["siret"], tout["date_maj"]) == ("12345678901234", "2024-05-01")
    assert tout["description"] == "Un fablab où tout est rempli.\n\nUne description\nsur deux lignes."


def test_services_take_their_values_through_the_crosswalk(places):
    services = {service["id"]: service for service in _document()["services"]}
    admin = services["tests--tout--admin_procedures"]
    assert admin["thematiques"] == [
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        "numerique--acceder-a-des-services-en-ligne",
        "sante--acces-aux-soins",
    ]
    assert admin["type"] == "atelier"  # the place's support mode: a group workshop
    assert (admin["frais"], admin["frais_precisions"]) == ("payant", "Payant ; Adhésion annuelle.")
    assert admin["publics"] == ["jeunes"]
    assert admin["publics_precisions"] == (
        "Prise en charge : Surdité, Accessible en fauteuil roulant. Accueille : Particuliers, Professionnels."
    )
    assert admin["modes_accueil"] == ["a-distance", "en-presentiel"]
    assert admin["modes_mobilisation"] == ["se-presenter", "telephoner"]
    assert admin["mobilisable_par"] == ["professionnels", "usagers"]
    assert admin["lien_mobilisation"] == "https://rdv.example.org"
    equipment = services["tests--tout--affordable_equipment"]
    assert (equipment["type"], equipment["thematiques"]) == ("aide-materielle", ["numerique--acquerir-un-equipement"])
    internet = services["mednum-bfc--mednumBFC_TL_9_--internet_access"]
    assert internet["thematiques"] == ["numerique--acceder-a-une-connexion-internet"]
    assert (internet["frais"], internet["publics"]) == ("gratuit", ["tous-publics"])
    assert internet["modes_mobilisation"] == ["envoyer-un-courriel", "se-presenter"]


def test_innovation_services_describe_the_machines_and_the_itinerant_stops(places):
    services = {service["id"]: service for service in _document()["services"]}
    open_access = services["tests--tout--open_access"]
    assert open_access["nom"] == "Accès libre encadré"
    assert "Machines : Imprimante 3D (2) ; Découpe laser, à confirmer." in open_access["description"]
    assert "Lieu itinérant, étapes : Imphy, Prémery." in open_access["description"]
    assert "Fermé temporairement." in open_access["description"]
    assert "Machines" not in services["tests--tout--admin_procedures"]["description"]


def test_mednum_bfc_data_keeps_its_licence_and_credit(places):
    document = _document()
    assert [(entry["code"], entry["sources"]) for entry in document["licences"]] == [
        ("etalab-2.0", ["tests"]),
        ("odbl-1.0", ["mednum-bfc"]),
    ]
    assert [credit["credit"] for credit in document["credits"]] == ["MedNum BFC"]


def test_the_export_command_writes_the_document(places, tmp_path):
    path = tmp_path / "di.json"
    out = io.StringIO()
    call_command("export_places", str(path), format="data-inclusion", stdout=out)
    assert out.getvalue().startswith(f"2 lieux exportés dans {path}.")
    assert json.loads(path.read_bytes()) == _document()


def test_every_value_of_the_mapping_tables_exists_in_the_package():
    thematiques = {item.value for item in v1.Thematique}
    networks = {item.value for item in v1.ReseauPorteur}
    for targets in data_inclusion.V0_THEMATIQUES.values():
        assert set(targets) <= thematiques
    for kind, targets in data_inclusion.OWN_SERVICES.values():
        assert kind is None or kind in {item.value for item in v1.TypeService}
        assert set(targets) <= thematiques
    assert set(data_inclusion.TYPOLOGY_NETWORKS.values()) <= networks
    assert set(data_inclusion.V0_LABELS.values()) | set(data_inclusion.OWN_LABEL_NETWORKS.values()) <= networks
    assert set(data_inclusion.V0_PROFILS.values()) | set(data_inclusion.OWN_PUBLICS.values()) <= {
        item.value for item in v1.Public
    }
    assert set(data_inclusion.V0_MODES.values()) <= {item.value for item in v1.ModeMobilisation}
    assert set(data_inclusion.V0_FRAIS.values()) <= {item.value for item in v1.Frais}
    crosswalk = data_inclusion.crosswalk()
    used = {value for values in crosswalk["services_to_di_v0_thematiques"].values() for value in values}
    assert used <= set(data_inclusion.V0_THEMATIQUES)
