import json
from collections.abc import Sequence
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from directory.importers.files import export_file, import_file
from directory.importers.records import ALL_FIELDS, PLACE_FIELD_NAMES, PlaceData, ReadOptions, ReadResult
from directory.importers.registry import FORMATS, FormatRegistry, PlaceFormat, UnknownFormat
from directory.importers.writer import ImportReport, import_records
from directory.models import Place
from tests.directory.factories import LUZY, NEVERS, native_file, native_place, place_with_every_field


def _import(data: bytes, *, dry_run: bool = False, departements: Sequence[str] = ()) -> ImportReport:
    return import_file(data, format_name="native", actor="tests", dry_run=dry_run, departements=departements)


def _named(name: str, source_id: str, **fields: object) -> dict[str, object]:
    return native_place(name=name, provenance={"source": "tests", "source_id": source_id}, **fields)


def _export() -> bytes:
    return export_file(format_name="native")


def _snapshot() -> list[tuple]:
    return list(Place.objects.order_by("pk").values_list("pk", "name", "source_id", "phone", "updated_at"))


def test_place_data_and_the_field_lists_agree():
    assert PLACE_FIELD_NAMES == ALL_FIELDS


def test_the_file_holds_every_field_with_codes_never_ids(db):
    place_with_every_field()
    document = json.loads(_export())
    (place,) = document["places"]
    assert place["operator"] == {
        "name": "Association Test",
        "siret": "12345678901234",
        "rna": "W581000001",
        "website": "https://asso.example.org",
    }
    assert place["typologies"] == ["ASSO", "FABLAB"]
    assert place["address"] == {
        "street": "1 rue de l'Essai",
        "complement": "Bâtiment B",
        "postcode": "58170",
        "commune": LUZY,
    }
    assert place["point"] == {"latitude": 46.789123, "longitude": 3.969877, "source": "manual", "to_check": True}
    assert place["contact"]["booking_url"] == "https://rdv.example.org"
    assert place["opening_hours"] == "Mo-Fr 09:00-12:00,14:00-17:00; Sa[1] 10:00-12:00"
    assert place["status"] == {"code": "temporarily_closed", "date": "2024-06-05", "note": "Travaux."}
    assert (place["is_itinerant"], place["is_remote"]) == (True, True)
    assert [(stop["commune"], stop["location"], stop["schedule"], stop["notes"]) for stop in place["stops"]] == [
        ("58134", "Salle des fêtes", "We[2] 14:00-18:00", ""),
        ("58218", "", "We[1] 14:00-18:00", "Sur la place"),
    ]
    assert [stop["position"] for stop in place["stops"]] == [0, 0]
    assert place["accessibility"] == ["deaf", "wheelchair_access"]
    assert place["accessibility_no"] == ["visual_impairment"]
    assert place["acceslibre_url"] == "https://acceslibre.beta.gouv.fr/app/58-luzy/a/fablab/erp/fablab-complet/"
    assert place["access_modes"] == ["phone", "walk_in"]
    assert place["fees"] == ["paid"] and place["fees_note"] == "Adhésion annuelle."
    assert place["equipment"] == [
        {"kind": "3d_printer", "quantity": 2, "notes": "", "verified": True},
        {"kind": "laser_cutter", "quantity": 1, "notes": "à confirmer", "verified": False},
    ]
    assert place["provenance"] == {"source": "tests", "source_id": "tout", "licence": "etalab-2.0"}
    assert place["freshness"] == {"date_maj": "2024-05-01", "verified": True, "verified_by": "Coordination numérique"}
    assert place["review"] == {"needs_review": True, "note": "À relire."}
    assert "id" not in json.dumps(place["address"])


def test_export_import_export_is_byte_identical(db):
    place_with_every_field()
    place_with_every_field(source="autre", source_id="a")
    first = _export()
    Place.objects.all().delete()
    report = _import(first)
    assert (report.created, report.ok) == (2, True)
    assert _export() == first
    report = _import(first)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert _export() == first


def test_places_are_ordered_by_source_then_identifier_and_lists_by_code(db):
    data = native_file(
        native_place(name="B", provenance={"source": "z", "source_id": "1"}, services=["training", "initiation"]),
        native_place(name="A", provenance={"source": "a", "source_id": "2"}),
        native_place(name="C", provenance={"source": "a", "source_id": "10"}),
    )
    _import(data)
    document = json.loads(_export())
    assert [p["name"] for p in document["places"]] == ["C", "A", "B"]
    assert document["places"][2]["services"] == ["initiation", "training"]


def test_an_export_with_mednum_bfc_data_carries_its_licence_and_credit(db):
    place_with_every_field(source="mednum-bfc", source_id="mednumBFC_TL_1_").__class__.objects.filter(
        source="mednum-bfc"
    ).update(licence="odbl-1.0")
    place_with_every_field()
    document = json.loads(_export())
    assert [(entry["code"], entry["sources"]) for entry in document["licences"]] == [
        ("etalab-2.0", ["tests"]),
        ("odbl-1.0", ["mednum-bfc"]),
    ]
    (credit,) = document["credits"]
    assert (credit["credit"], credit["licence"]) == ("MedNum BFC", "odbl-1.0")
    assert "cite « MedNum BFC »" in credit["notice"]


def test_an_export_without_mednum_bfc_data_owes_it_no_credit(db):
    place_with_every_field()
    document = json.loads(_export())
    assert document["credits"] == []
    assert [entry["code"] for entry in document["licences"]] == ["etalab-2.0"]


def test_a_minimal_place_takes_its_communes_point(db):
    report = _import(native_file(native_place()))
    assert report.created == 1
    place = Place.objects.select_related("commune").get()
    assert (place.latitude, place.longitude, place.point_source) == (
        place.commune.latitude,
        place.commune.longitude,
        "commune",
    )
    assert (place.status, place.licence, place.verified) == ("open", "etalab-2.0", False)


def test_a_bad_file_is_refused_with_a_french_report_per_row_and_nothing_written(db):
    _import(native_file(native_place(contact={"phone": "03 86 00 00 00"})))
    before = _snapshot()
    data = native_file(
        _named("Bon lieu", "bon"),
        _named("Lieu A", "a", services=["imprimante"]),
        _named("Lieu B", "b", address={"commune": "99999"}),
        _named("Lieu C", "c", freshness={"date_maj": "31/02/2021"}),
        _named("Lieu D", "d", opening_hours="lundi 9h-12h"),
        _named("", "e"),
        _named("Lieu F", "f", equipment=[{"kind": "teleporteur"}]),
        _named("Lieu G", "g", couleur="bleu"),
        _named("Lieu H", "h", contact={"email": "pas-une-adresse"}),
    )
    report = _import(data)
    assert not report.ok
    assert report.summary() == "Fichier refusé : 8 erreurs, rien n'a été écrit."
    messages = sorted(str(problem) for problem in report.errors)
    assert messages == [
        "lieu n° 2 « Lieu A » — services : code inconnu « imprimante » dans le vocabulaire « Service »",
        "lieu n° 3 « Lieu B » — address.commune : code INSEE inconnu « 99999 »",
        "lieu n° 4 « Lieu C » — freshness.date_maj : date invalide « 31/02/2021 » : format attendu AAAA-MM-JJ",
        "lieu n° 5 « Lieu D » — opening_hours : Horaires illisibles : « lundi 9h-12h » (« lundi » : jour inconnu, "
        "utilisez Mo, Tu, We, Th, Fr, Sa, Su ou PH).",
        "lieu n° 6 — name : champ obligatoire manquant",
        "lieu n° 7 « Lieu F » — equipment[1].kind : type de machine inconnu « teleporteur »",
        "lieu n° 8 « Lieu G » — couleur : champ inconnu",
        "lieu n° 9 « Lieu H » — contact.email : adresse électronique invalide « pas-une-adresse »",
    ]
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{ pas du json", "fichier — JSON invalide ligne 1, colonne 3"),
        (b"[]", "fichier — doit être un objet"),
        (native_file(format="autre"), "fichier — format : attendu « aiguillage-lieux » version 1"),
        (b"\xff\xfe", "fichier — le fichier n'est pas en UTF-8"),
    ],
)
def test_a_file_that_is_not_ours_is_refused(db, data, message):
    report = _import(data)
    assert not report.ok
    assert str(report.errors[0]).startswith(message)


def test_two_places_with_the_same_key_are_refused(db):
    report = _import(native_file(native_place(), native_place(name="Doublon")))
    assert [str(problem) for problem in report.errors] == [
        "lieu n° 2 « Doublon » — provenance : même source et même identifiant que le lieu n° 1"
    ]
    assert not Place.objects.exists()


def test_a_reimport_creates_no_duplicate_and_updates_what_changed(db):
    _import(native_file(native_place(summary="Avant")))
    report = _import(native_file(native_place(summary="Après")))
    assert (report.created, report.updated) == (0, 1)
    assert list(Place.objects.values_list("summary", flat=True)) == ["Après"]


def test_a_field_absent_from_the_file_is_left_as_it_is(db):
    _import(native_file(native_place(contact={"phone": "03 86 00 00 00"}, services=["initiation"])))
    _import(native_file(native_place(summary="Complété")))
    place = Place.objects.get()
    assert (place.summary, place.phone) == ("Complété", "03 86 00 00 00")
    assert list(place.services.values_list("code", flat=True)) == ["initiation"]


def test_the_departement_option_keeps_only_its_places(db):
    data = native_file(
        native_place(),
        native_place(name="Autun", address={"commune": "71014"}, provenance={"source": "tests", "source_id": "autun"}),
    )
    report = _import(data, departements=["58"])
    assert (report.created, report.filtered_out) == (1, 1)
    assert list(Place.objects.values_list("commune__code", flat=True)) == [NEVERS]


def test_dry_run_writes_nothing(db):
    report = _import(native_file(native_place()), dry_run=True)
    assert report.created == 1
    assert not Place.objects.exists()


def test_the_commands_export_to_stdout_and_import_from_a_file(db, tmp_path):
    place_with_every_field()
    out = StringIO()
    call_command("export_places", "-", stdout=out)
    path = tmp_path / "lieux.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert out.getvalue().encode("utf-8") == _export()
    Place.objects.all().delete()
    out = StringIO()
    call_command("import_places", str(path), stdout=out)
    assert out.getvalue().strip() == "1 lieu lu : 1 créé, 0 mis à jour, 0 inchangé."
    out = StringIO()
    call_command("export_places", str(tmp_path / "encore.json"), stdout=out)
    assert out.getvalue().startswith("1 lieu exporté dans ")
    assert (tmp_path / "encore.json").read_bytes() == path.read_bytes()


def test_the_import_command_refuses_a_bad_file_in_french(db, tmp_path):
    path = tmp_path / "mauvais.json"
    path.write_bytes(native_file(native_place(fees=["gratuit"])))
    err = StringIO()
    with pytest.raises(CommandError, match="Fichier refusé : 1 erreur, rien n'a été écrit."):
        call_command("import_places", str(path), stderr=err)
    assert "Erreur : lieu n° 1 « Fablab d'essai » — fees : code inconnu « gratuit »" in err.getvalue()
    assert not Place.objects.exists()


def test_the_import_command_says_when_the_file_cannot_be_read(db, tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_places", str(tmp_path / "absent.json"))


def test_formats_are_found_by_name_and_new_ones_can_be_added():
    assert {"native", "bfc"} <= set(FORMATS.readable())
    assert "native" in FORMATS.writable() and "bfc" not in FORMATS.writable()
    with pytest.raises(UnknownFormat, match="format inconnu « gpx »"):
        FORMATS.get("gpx")

    def write_names(places: list[PlaceData]) -> bytes:
        return "\n".join(place.name for place in places).encode()

    registry = FormatRegistry()
    registry.register(PlaceFormat("names", "Noms", write=write_names))
    assert registry.get("names").write([PlaceData(name="A", commune=NEVERS, source="s", source_id="1")]) == b"A"
    with pytest.raises(ValueError, match="already registered"):
        registry.register(PlaceFormat("names", "Noms"))


def test_a_new_reader_goes_through_the_same_write_path(db):
    def read_one(data: bytes, options: ReadOptions) -> ReadResult:
        from directory.importers.records import SourcedPlace

        place = PlaceData(name=data.decode(), commune=LUZY, source="essai", source_id="1")
        return ReadResult(places=[SourcedPlace("ligne 1", place)])

    result = read_one(b"Lieu lu", ReadOptions())
    report = import_records(result.places, actor="tests", dry_run=False)
    assert report.created == 1
    assert Place.objects.get().commune.code == LUZY
