"""CSV import and export, the Aides-territoires importer on its recorded sample, and stable source ids."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from funding.exchange import aides_territoires, csv_format
from funding.exchange.importer import import_records
from funding.models import Scheme, SchemeChange
from funding.writing import record_of
from tests.funding.factories import make_scheme

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "funding" / "data" / "samples" / "aides-territoires-aids.json"


def _export() -> str:
    out = StringIO()
    call_command("export_funding", "-", stdout=out)
    return out.getvalue()


def test_export_import_export_gives_the_same_file_and_changes_nothing(tmp_path):
    parent = make_scheme(title="Programme national", perimeter=("france",), source="national", source_id="n1")
    make_scheme(
        title="Déclinaison nivernaise",
        themes=("digital_fabrication",),
        window=((3, 1), (4, 30)),
        amount_ceiling="15000.50",
        parent=f"{parent.source}:{parent.source_id}",
        perimeter=("departement:58", "commune:58149"),
        amount_note="=SOMME(A1:A9) : une formule reste du texte",
    )
    first = _export()
    path = tmp_path / "financements.csv"
    path.write_text(first, encoding="utf-8")

    changes = SchemeChange.objects.count()
    out = StringIO()
    call_command("import_funding", str(path), stdout=out)

    assert "0 créé, 0 mis à jour, 2 inchangés" in out.getvalue()
    assert SchemeChange.objects.count() == changes
    assert _export() == first
    assert first.splitlines()[0].split(",")[:4] == ["source", "source_id", "title", "summary"]
    assert "'=SOMME(A1:A9)" in first
    assert Scheme.objects.get(title="Déclinaison nivernaise").amount_note.startswith("=SOMME")


def test_a_reimport_updates_in_place_and_records_the_change(tmp_path):
    scheme = make_scheme(title="Aide aux fablabs", amount_ceiling="10000")
    text = _export().replace(",10000,", ",12000,")
    records, problems = csv_format.read_csv(text)
    assert problems == []

    report = import_records(records, actor_label="import CSV")

    assert (report.created, report.updated) == (0, 1)
    assert Scheme.objects.count() == 1
    scheme.refresh_from_db()
    assert str(scheme.amount_ceiling) == "12000.00"
    change = scheme.changes.first()
    assert change.kind == "import" and change.fields == {"amount_ceiling": {"before": "10000", "after": "12000"}}


def test_a_file_with_one_bad_row_is_refused_whole_with_french_messages(tmp_path):
    text = _export()
    header = text.splitlines()[0]
    good = "tests,a,Bonne aide,Résumé,,,published,Région Bourgogne-Franche-Comté,region,,grant,association,,,region:27"
    bad = "tests,b,Mauvaise aide,Résumé,,,published,Un financeur,region,,subvention,,,,departement:999"
    path = tmp_path / "aides.csv"
    path.write_text(
        "\n".join([header, good + "," * (len(csv_format.COLUMNS) - 15), bad + "," * (len(csv_format.COLUMNS) - 15)]),
        encoding="utf-8",
    )
    err = StringIO()

    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_funding", str(path), stderr=err)

    assert Scheme.objects.count() == 0
    assert "ligne 3 « Mauvaise aide » : kinds : code inconnu « subvention »" in err.getvalue()
    assert "ligne 3 « Mauvaise aide » : périmètre : code inconnu « departement:999 »" in err.getvalue()


def test_the_aides_territoires_sample_imports_with_its_perimeters_labels_and_calendar():
    records, problems, warnings = aides_territoires.records_of(SAMPLE.read_text(encoding="utf-8"))

    assert problems == []
    assert warnings == ["aide n° 3 (id 87654) : public « Recherche » inconnu, ignoré"]
    report = import_records(records, actor_label="import Aides-territoires")
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    fablabs = Scheme.objects.get(source="aides-territoires", source_id="101234")
    record = record_of(fablabs)
    assert record.perimeter == ("departement:58",)
    assert record.beneficiaries == ("association", "commune")
    assert set(record.themes) == {"digital_mediation", "digital_fabrication"}
    assert record.expenses == ("investment",)
    assert (record.recurrence, str(record.window_start), str(record.window_end)) == (
        "yearly",
        "MonthDay(month=3, day=1)",
        "MonthDay(month=5, day=31)",
    )
    assert (record.rate_min, record.rate_max) == (20, 50)
    assert record.summary.startswith("Le Département aide les fablabs et tiers-lieux à s'équiper")
    assert "<" not in record.description and record.status == "draft" and record.needs_check
    feder = record_of(Scheme.objects.get(source_id="98765"))
    assert feder.perimeter == ("region:27",) and feder.programmes == ("feder",)
    assert [funder.level for funder in feder.funders] == ["region", "eu"]
    assert set(feder.kinds) == {"grant", "call_for_projects"}
    national = record_of(Scheme.objects.get(source_id="87654"))
    assert national.perimeter == ("france",) and national.recurrence == "ongoing"


def test_importing_the_sample_again_is_idempotent_and_keeps_what_coordinators_set():
    records, _, _ = aides_territoires.records_of(SAMPLE.read_text(encoding="utf-8"))
    import_records(records, actor_label="import", keep=aides_territoires.KEPT_ON_UPDATE)
    Scheme.objects.filter(source_id="101234").update(status="published", needs_check=False)
    changes = SchemeChange.objects.count()

    again = import_records(records, actor_label="import", keep=aides_territoires.KEPT_ON_UPDATE)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Scheme.objects.count() == 4 and SchemeChange.objects.count() == changes
    kept = Scheme.objects.get(source_id="101234")
    assert kept.status == "published" and not kept.needs_check


def test_an_aid_whose_perimeter_cannot_be_placed_refuses_the_file():
    page = json.loads(SAMPLE.read_text(encoding="utf-8"))
    page["results"][0]["perimeter"] = "Atlantide"

    records, problems, _ = aides_territoires.records_of(json.dumps(page))

    assert problems == [
        "aide n° 1 (id 101234) : périmètre « Atlantide » introuvable parmi l'Europe, la France, les régions, "
        "départements, EPCI et communes"
    ]
    assert aides_territoires.records_of("pas du json")[1][0].startswith("le fichier n'est pas du JSON lisible")
    assert aides_territoires.records_of('{"results": 3}')[1] == [
        "le fichier n'a pas la forme d'un export d'Aides-territoires (une liste « results » d'aides)"
    ]
