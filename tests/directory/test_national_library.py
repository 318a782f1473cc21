"""Our national exports read through ANCT's own library, the way the national map ingests them.

The library (@gouvfr-anct/lieux-de-mediation-numerique, an npm dev dependency) runs under the machine's
Node in tests/directory/national_roundtrip.mjs: every row goes through its import, then its export, and
the script reports the rows it refused and the fields that came back changed.
"""

import datetime as dt
import io
import json
import random
import shutil
import subprocess
from pathlib import Path

import frictionless
import pytest
from django.conf import settings
from django.core.management import call_command

from directory.importers.files import export_with_report
from directory.importers.mednum import COLUMNS, national_places, write_mednum_csv, write_mednum_json
from directory.importers.national import commune_label, street_label
from directory.importers.records import EquipmentData, OperatorData, PlaceData, StopData
from directory.models import Place, Term
from territory.models import Commune

SCRIPT = Path(__file__).with_name("national_roundtrip.mjs")
SCHEMA = Path(settings.BASE_DIR) / "data" / "standards" / "schema-lieux-mediation-numerique-v1.0.2.json"
# Columns the directory has no field for.
NEVER_SET = {"fiche_acces_libre"}


def _library_round_trip(path: Path) -> dict:
    node = shutil.which("node")
    assert node, "Node.js (paquet Debian nodejs) est nécessaire pour lire nos exports avec la bibliothèque de l'ANCT"
    completed = subprocess.run(
        [node, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=300, cwd=settings.BASE_DIR, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def _frictionless_errors(path: Path) -> list:
    descriptor = json.loads(SCHEMA.read_text(encoding="utf-8"))
    with frictionless.system.use_context(trusted=True):
        report = frictionless.validate(str(path), schema=frictionless.Schema.from_descriptor(descriptor), format="csv")
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def _check_both_formats(tmp_path: Path, csv_data: bytes, json_data: bytes, expected_rows: int) -> None:
    (tmp_path / "lieux.csv").write_bytes(csv_data)
    (tmp_path / "lieux.json").write_bytes(json_data)
    assert _frictionless_errors(tmp_path / "lieux.csv") == []
    for name in ("lieux.json", "lieux.csv"):
        result = _library_round_trip(tmp_path / name)
        assert (name, result["rows"], result["accepted"]) == (name, expected_rows, expected_rows), result["refused"][:5]
        assert result["refused"] == []
        assert result["changed"] == []


def test_the_library_accepts_every_row_of_the_demo_exports_and_gives_back_every_field(db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    published = Place.objects.public()
    csv_data, left_out = export_with_report(format_name="mednum-csv", queryset=published)
    json_data, _ = export_with_report(format_name="mednum-json", queryset=published)
    written = national_places(published)
    assert (published.count(), written.count(), len(left_out)) == (124, 100, 24)
    _check_both_formats(tmp_path, csv_data, json_data, expected_rows=100)
    # The places left out are named in the report, and are those the file does not hold.
    ids = {item["id"] for item in json.loads(json_data)["lieux"]}
    missing = published.exclude(pk__in=written.values("pk"))
    assert all(f"mednum-bfc--{place.source_id}" not in ids for place in missing)
    assert sorted(line.split("(", 1)[1].split(")", 1)[0] for line in left_out) == sorted(
        f"{place.source}--{place.source_id}" for place in missing
    )


def test_the_library_reads_1000_places_with_every_field_filled_as_we_wrote_them(db, tmp_path):
    places = _generated_directory(1000)
    csv_data, json_data = write_mednum_csv(places), write_mednum_json(places)
    lieux = json.loads(json_data)["lieux"]
    assert len(lieux) == 1000
    unset = {column for item in lieux for column in COLUMNS if item[column] is None}
    assert unset == NEVER_SET
    # The values the library spells otherwise or refuses are among them, written where it reads them.
    assert sum("Étapes numériques (La Poste)" in item["autres_formations_labels"] for item in lieux) > 50
    assert sum("Type de lieu : Service de l’État" in item["presentation_detail"] for item in lieux) > 5
    assert not any("ETAT" in item["typologie"].split("|") for item in lieux)
    _check_both_formats(tmp_path, csv_data, json_data, expected_rows=1000)


def test_absent_values_are_null_in_json_and_empty_in_csv(db):
    bare = PlaceData(name="Lieu nu", commune="58194", source="tests", source_id="nu", services=("admin_procedures",))
    (item,) = json.loads(write_mednum_json([bare]))["lieux"]
    assert [column for column in COLUMNS if item[column] is None] == [
        "complement_adresse",
        "latitude",
        "longitude",
        "typologie",
        "telephone",
        "courriels",
        "site_web",
        "horaires",
        "presentation_resume",
        "presentation_detail",
        "structure_parente",
        "publics_specifiquement_adresses",
        "prise_en_charge_specifique",
        "frais_a_charge",
        "dispositif_programmes_nationaux",
        "formations_labels",
        "autres_formations_labels",
        "modalites_acces",
        "modalites_accompagnement",
        "fiche_acces_libre",
        "prise_rdv",
    ]
    row = write_mednum_csv([bare]).decode("utf-8").splitlines()[1]
    assert row.startswith("tests--nu,00000000000000,Lieu nu,Nevers,58000,58194,Nevers,,,,,,,,,,,")


def test_commune_names_lose_the_characters_the_library_refuses_and_keep_their_insee_code(db):
    assert commune_label("Château-Chinon (Ville)") == "Château-Chinon Ville"
    assert commune_label("Castillon (Canton d'Arthez-de-Béarn)") == "Castillon Canton d'Arthez-de-Béarn"
    assert commune_label("L'Haÿ-les-Roses") == "L'Haÿ-les-Roses"
    assert street_label("Place du 8 mai 1945 — « bâtiment B » #2") == "Place du 8 mai 1945 – bâtiment B 2"
    town = PlaceData(name="Mairie", commune="58062", source="tests", source_id="cc", services=("admin_procedures",))
    (item,) = json.loads(write_mednum_json([town]))["lieux"]
    assert (item["commune"], item["code_insee"], item["adresse"]) == (
        "Château-Chinon Ville",
        "58062",
        "Château-Chinon Ville",
    )


def test_a_commune_written_by_the_rule_is_found_again_by_its_name_alone(db):
    from directory.importers.files import import_file

    data = (
        "id,nom,commune,code_postal,adresse,date_maj,services\n"
        "ville,Mairie,Château-Chinon Ville,58120,Château-Chinon Ville,2024-04-02,Aide aux démarches administratives\n"
        "campagne,Mairie annexe,Château-Chinon Campagne,58120,1 route de Nevers,2024-04-02,"
        "Aide aux démarches administratives\n"
    ).encode()
    report = import_file(data, format_name="mednum", actor="tests", dry_run=False)
    assert report.ok and report.created == 2, [str(p) for p in report.errors + report.warnings]
    found = dict(Place.objects.values_list("source_id", "commune__code"))
    assert found == {"ville": "58062", "campagne": "58063"}
    assert Place.objects.get(source_id="ville").address == ""


# A directory of generated places, every field of the standard filled.


def _generated_directory(size: int) -> list[PlaceData]:
    chooser = random.Random(12)
    terms: dict[str, list[Term]] = {}
    for term in Term.objects.order_by("position", "code"):
        terms.setdefault(term.vocabulary, []).append(term)

    def codes(vocabulary: str, *, national: bool | None = None, low: int = 1, high: int = 3, skip=()) -> list[str]:
        pool = [
            t.code
            for t in terms[vocabulary]
            if t.code not in skip and (national is None or bool(t.national_value) == national)
        ]
        return chooser.sample(pool, chooser.randint(low, min(high, len(pool))))

    # Every commune whose name has characters the library refuses, then communes from all over France.
    odd = list(Commune.objects.filter(name__contains="(").values_list("code", "name", "latitude", "longitude"))
    others = list(
        Commune.objects.exclude(name__contains="(")
        .order_by("code")
        .values_list("code", "name", "latitude", "longitude")[:: 34870 // size]
    )
    communes = (odd + others)[:size]
    postcodes = dict(Commune.objects.filter(code__in=[c[0] for c in communes]).values_list("code", "postcodes"))
    labels = {t.code: t for t in terms["label"]}
    by_field = {
        field: [c for c, t in labels.items() if t.national_field == field]
        for field in ("dispositif_programmes_nationaux", "formations_labels")
    }
    own_labels = [c for c, t in labels.items() if not t.national_value]
    hours = [
        "Mo-Fr 08:30-12:00,13:30-17:00; PH off",
        "Tu,Th 14:00-18:00; Sa 09:00-12:00",
        "We[1] 14:00-18:00",
        "week 01-26 Mo-Fr 09:00-12:00; week 27-53 Mo 09:00-12:00; PH off",
        "Sep-Jun Mo-Fr 09:00-17:00; Jul-Aug off",
        "24/7",
    ]
    streets = ["12 bis rue Jean-Jaurès", "Place du 8 mai 1945 — bâtiment « B »", "Route de Nevers, lieu-dit #3", "ZA"]
    withheld = {"ETABL_PRI", "ETABL_PUB", "ETAT", "MDA"}
    national_typologies = [t for t in terms["typology"] if t.national_value]
    places = []
    for index, (code, name, latitude, longitude) in enumerate(communes):
        typologies = codes("typology", high=3)
        typologies.append(chooser.choice([t.code for t in national_typologies if t.code not in withheld]))
        place_labels = (
            codes("label", low=1, high=2, skip=set(own_labels) | set(by_field["formations_labels"]))
            + chooser.sample(by_field["formations_labels"], 2)
            + chooser.sample(own_labels, 1)
        )
        siret = f"{chooser.randrange(10**13, 10**14)}"
        places.append(
            PlaceData(
                name=f"Lieu n° {index} à {name} — « essai »",
                commune=code,
                source="tests-generated",
                source_id=f"lieu-{index:04d}",
                licence=chooser.choice(["etalab-2.0", "odbl-1.0"]),
                operator=OperatorData(name=f"Structure {index}", siret=siret, website="https://structure.example.org"),
                typologies=tuple(typologies),
                summary=f"Un lieu d'essai n° {index}.",
                description=f"Présentation du lieu {index}.\nSur deux lignes, avec « guillemets » & signes.",
                address=chooser.choice(streets),
                address_complement="Bâtiment B, 2e étage",
                postcode=(postcodes.get(code) or "58000").split()[0],
                latitude=float(latitude) + chooser.uniform(-0.01, 0.01),
                longitude=float(longitude) + chooser.uniform(-0.01, 0.01),
                access_directions="Derrière la mairie.",
                phone=chooser.choice(["03 86 00 00 00", "06 12 34 56 78", "0386716450", "+33 3 86 71 64 50"]),
                email=f"contact{index}@lieu.example.org",
                website=f"https://lieu-{index}.example.org/accueil",
                booking_url=f"https://rdv.example.org/lieu-{index}",
                opening_hours=chooser.choice(hours),
                opening_hours_note="Fermé en août.",
                status=chooser.choice(["open", "open", "temporarily_closed"]),
                is_itinerant=chooser.random() < 0.3,
                is_remote=chooser.random() < 0.3,
                stops=(StopData(position=1, commune="58194", location="Place Carnot", schedule="We[1] 14:00-18:00"),),
                audiences=tuple(codes("audience")),
                publics=tuple(codes("public")),
                accessibility=tuple(
                    codes("accessibility", national=True, high=4) + codes("accessibility", national=False, low=0)
                ),
                services=tuple(codes("service", national=True) + codes("service", national=False, low=0)),
                fees=tuple(codes("fee", high=2)),
                fees_note="Adhésion annuelle.",
                labels=tuple(place_labels),
                # "No public" is for places without services: the library drops it beside services.
                access_modes=tuple(codes("access_mode", skip={"no_public"})),
                support_modes=tuple(codes("support_mode")),
                equipment=tuple(
                    EquipmentData(kind=kind, quantity=chooser.randint(1, 3), verified=chooser.random() < 0.5)
                    for kind in codes("equipment", high=4)
                ),
                date_maj=dt.date(2024, 1, 1) + dt.timedelta(days=chooser.randrange(600)),
            )
        )
    return places


@pytest.mark.parametrize("name", ["Château-Chinon (Ville)", "Bors (Canton de Charente-Sud)"])
def test_the_generated_directory_holds_the_communes_with_odd_names(db, name):
    codes = {place.commune for place in _generated_directory(1000)}
    assert Commune.objects.get(name=name).code in codes
