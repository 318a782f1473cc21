import datetime as dt
from collections.abc import Sequence
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from aiguillage.lib.geo import haversine_km
from directory.importers.crosswalk import default_crosswalk, split_codes
from directory.importers.files import import_file
from directory.importers.halfdays import HALF_DAY_COLUMNS, convert, parse_cell
from directory.importers.towns import CommuneIndex, CommuneRef, match_town
from directory.importers.writer import ImportReport
from directory.models import Equipment, Place, Term

BFC_DIR = Path(django_settings.BASE_DIR) / "data" / "standards" / "mednum-bfc"
NIEVRE_FILE = BFC_DIR / "bfc-ternum-dataset-nievre-58.csv"
FULL_FILE = BFC_DIR / "bfc-ternum-dataset.csv"

# The Nièvre rows whose point lies more than 20 km from their commune (found by reading the file).
FAR_POINT_ROWS = {
    "mednumBFC_TL_254_": ("Couveuse Potentiel", 39),
    "mednumBFC_TL_255_": ("Kiosque numérique de Chatillon en Bazois", 21),
    "mednumBFC_TL_257_": ("Centre Social de Château - Chinon Cyberespace", 25),
    "mednumBFC_TL_261_": ("Cyber-base du Pays Nivernais Morvan", 64),
    "mednumBFC_TL_270_": ("Centre social et culturel de Luzy", 105),
    "mednumBFC_TL_283_": ("Mission locale de Cosne Cours sur Loire", 35),
    "mednumBFC_TL_291_": ("Télécentre de Varzy", 23),
    "mednumBFC_TL_292_": ("Kiosque numérique de Donzy", 70),
    "mednumBFC_TL_296_": ("Kiosque numérique de Montsauche les Settons", 56),
    "mednumBFC_TL_304_": ("Cyber-base St-Benin d'Azy", 34),
    "mednumBFC_TL_308_": ("Télécentre du Sud Morvan", 32),
    "mednumBFC_TL_310_": ("Cyber-base de Sougy", 21),
    "mednumBFC_TL_315_": ("Kiosque numérique de Cergy la Tour", 28),
    "mednumBFC_TL_318_": ("Bibliothèque Municipale de Dornes", 58),
    "mednumBFC_TL_319_": ("kiosque numérique de La Charité sur Loire", 49),
    "mednumBFC_TL_328_": ("Kiosque numérique de Fourchambault", 26),
    "mednumBFC_TL_331_": ("Kiosque numérique de Premery", 28),
}


def _import(path: Path = NIEVRE_FILE, *, dry_run: bool = False, departements: Sequence[str] = ()) -> ImportReport:
    return import_file(path.read_bytes(), format_name="bfc", actor="tests", dry_run=dry_run, departements=departements)


def _place(bfc_id: str) -> Place:
    return Place.objects.select_related("commune").get(source="mednum-bfc", source_id=bfc_id)


def _codes(place: Place, relation: str) -> set[str]:
    return set(getattr(place, relation).values_list("code", flat=True))


# Pure parts: half-days, town names, crosswalk.


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("8h30-12h", (510, 720)),
        ("9h12h", (540, 720)),
        ("08h-12h", (480, 720)),
        (" 13h30 - 17h ", (810, 1020)),
        ("-", None),
        ("", None),
    ],
)
def test_it_reads_half_day_cells(cell, expected):
    assert parse_cell(cell) == expected


@pytest.mark.parametrize("cell", ["14h-12h", "x", "souscondition", "25h-26h"])
def test_it_refuses_impossible_or_unreadable_cells(cell):
    with pytest.raises(ValueError, match="«"):
        parse_cell(cell)


def test_half_days_become_one_opening_hours_value_and_bad_cells_are_reported():
    cells = dict.fromkeys(HALF_DAY_COLUMNS, "")
    cells.update({"lundi matin": "9h-12h", "lundi après-midi": "14h-17h", "mardi matin": "14h-12h"})
    cells.update({"mardi après-midi": "14h-17h", "samedi matin": "-"})
    result = convert(cells)
    assert result.opening_hours == "Mo 09:00-12:00,14:00-17:00; Tu 14:00-17:00"
    assert [column for column, _ in result.problems] == ["mardi matin"]


def _ref(code: str, name: str, search_name: str, postcodes: str, population: int, lat: float = 47.0) -> CommuneRef:
    return CommuneRef(code, name, search_name, code[:2], tuple(postcodes.split()), lat, 3.0, population)


SMALL_INDEX = CommuneIndex(
    [
        _ref("58062", "Château-Chinon (Ville)", "chateau chinon ville", "58120", 1964),
        _ref("58063", "Château-Chinon (Campagne)", "chateau chinon campagne", "58120", 548),
        _ref("58086", "Cosne-Cours-sur-Loire", "cosne cours sur loire", "58200", 9874),
        _ref("58002", "Alligny-Cosne", "alligny cosne", "58200", 877),
        _ref("71014", "Autun", "autun", "71400", 13000),
    ]
)


@pytest.mark.parametrize(
    ("town", "postcode", "departement", "code"),
    [
        ("CHATEAU CHINON CAMPAGNE", "58120", "58", "58063"),
        ("ChÂTEAU-CHINON", "58120", "58", "58062"),
        ("COSNE-SUR-LOIRE", "58200", "58", "58086"),
        ("COSNE COURS SUR LOIRE", "58207", "", "58086"),
        ("Cosne Cedex", "58207", "58", "58086"),
    ],
)
def test_it_matches_messy_town_names_against_a_commune_index(town, postcode, departement, code):
    assert match_town(town, postcode, departement, SMALL_INDEX).commune.code == code


def test_it_does_not_look_for_a_town_outside_its_departement():
    assert match_town("AUTUN", "58200", "58", SMALL_INDEX).commune is None


def test_the_crosswalk_tests_each_code_in_the_column_that_defines_it():
    # The caveat of the crosswalk: F and TL are typology codes, never found in code_accomp.
    result = default_crosswalk().translate({"code_typo": "F-TL", "code_label": "F-BFC", "code_accomp": ""}, "L'Inkub")
    assert result.services == {"digital_leisure", "digital_understanding", "internet_access"}
    assert result.typologies == {"FABLAB", "TIERS_LIEUX"}
    assert result.labels == {"arnia_mednum_bfc_bourgogne_franche_comte"}


def test_the_crosswalk_reports_codes_it_cannot_use():
    result = default_crosswalk().translate({"code_typo": "I", "code_label": "RIN-C", "code_accomp": ""}, "x")
    assert any("RIN" in message and "aucun terme" in message for message in result.problems)
    assert any("« C »" in message and "non documenté" in message for message in result.problems)


def test_split_codes_forgives_case_and_spaces():
    assert split_codes(" msap - NMM-mfs ") == {"MSAP", "NMM", "MFS"}


def test_every_crosswalk_target_that_has_a_term_exists_in_the_database(db):
    for rule in default_crosswalk().rules:
        if rule.target:
            assert Term.objects.filter(vocabulary=rule.vocabulary, code=rule.target).exists(), rule


# The real Nièvre file.


def test_it_imports_every_nievre_row_as_one_place(db):
    report = _import()
    assert report.ok, report.details()
    assert (report.received, report.created, len(report.skipped)) == (120, 120, 0)
    assert Place.objects.count() == 120
    assert set(Place.objects.values_list("source", "licence", "verified").distinct()) == {
        ("mednum-bfc", "odbl-1.0", False)
    }


@pytest.mark.parametrize(
    ("bfc_id", "town", "insee"),
    [
        ("mednumBFC_TL_257_", "CHATEAU CHINON CAMPAGNE", "58063"),
        ("mednumBFC_TL_258_", "CHATEAU CHINON", "58062"),
        ("mednumBFC_TL_259_", "CHÂTEAU CHINON", "58062"),
        ("mednumBFC_TL_562_", "ChÂTEAU-CHINON", "58062"),
        ("mednumBFC_TL_274_", "COSNE-SUR-LOIRE", "58086"),
        ("mednumBFC_TL_280_", "COSNE COURS SUR LOIRE", "58086"),
        ("mednumBFC_TL_286_", "COSNE-COURS-SUR-LOIRE, CEDEX 58207", "58086"),
        ("mednumBFC_TL_254_", "NEVERS, CEDEX 58022", "58194"),
        ("mednumBFC_TL_304_", "SAINT BENIN D AZY", "58232"),
        ("mednumBFC_TL_305_", "SAINT BENIN D'AZY", "58232"),
        ("mednumBFC_TL_300_", "SAINT-PIERRE-LE-MOÛTIER", "58264"),
        ("mednumBFC_TL_288_", "COURCELLES (five communes bear this name)", "58090"),
        ("mednumBFC_TL_319_", "LA CHARITE SUR LOIRE", "58059"),
    ],
)
def test_it_places_messy_town_names_on_the_right_communes(db, bfc_id, town, insee):
    _import()
    assert _place(bfc_id).commune.code == insee


def test_it_flags_points_far_from_their_commune(db):
    _import()
    flagged = Place.objects.filter(point_to_check=True)
    assert set(flagged.values_list("source_id", flat=True)) == set(FAR_POINT_ROWS)
    for place in flagged.select_related("commune"):
        name, distance = FAR_POINT_ROWS[place.source_id]
        assert place.name == name
        assert (place.latitude, place.longitude) == (place.commune.latitude, place.commune.longitude)
        assert place.point_source == "commune"
        assert place.needs_review
        assert f"à {distance} km de la commune" in place.review_note


def test_it_keeps_points_near_their_commune(db):
    _import()
    luzy = _place("mednumBFC_TL_271_")
    assert (luzy.latitude, luzy.longitude, luzy.point_source, luzy.point_to_check) == (
        46.790619,
        3.970311,
        "source",
        False,
    )
    for place in Place.objects.filter(point_to_check=False).select_related("commune"):
        assert place.commune.distance_km(place.latitude, place.longitude) <= django_settings.FAR_POINT_KM


def test_the_far_point_distance_is_a_setting(db, settings):
    settings.FAR_POINT_KM = 100
    _import()
    assert list(Place.objects.filter(point_to_check=True).values_list("source_id", flat=True)) == ["mednumBFC_TL_270_"]


def test_it_translates_codes_of_real_rows(db):
    _import()
    onlineformapro = _place("mednumBFC_TL_19_")  # O, APTIC, RDV-G-R
    assert _codes(onlineformapro, "support_modes") == {"individual", "group"}
    assert _codes(onlineformapro, "services") == {"admin_procedures", "training"}
    assert _codes(onlineformapro, "labels") == {"aptic"}
    maison_france_services = _place("mednumBFC_TL_256_")  # I, MSAP-NMM-MFS
    assert _codes(maison_france_services, "typologies") == {"MSAP", "RFS"}
    assert _codes(maison_france_services, "labels") == {"nievre_mediation_numerique", "france_services"}
    mission = _place("mednumBFC_TL_265_")  # I, APTIC-NMM-F-C-BFC, L-RDV-G
    bfc_label = "arnia_mednum_bfc_bourgogne_franche_comte"
    assert _codes(mission, "labels") == {"aptic", "nievre_mediation_numerique", bfc_label}
    assert _codes(mission, "typologies") == {"FABLAB"}
    espace = _place("mednumBFC_TL_628_")  # M-I, A-L-RDV-G-R
    assert _codes(espace, "support_modes") == {"autonomous", "individual", "group"}
    assert _codes(espace, "services") == {"admin_procedures", "internet_access"}
    assert _codes(_place("mednumBFC_TL_305_"), "typologies") == {"BIB"}


def test_it_turns_half_day_columns_into_opening_hours(db):
    _import()
    assert _place("mednumBFC_TL_19_").opening_hours == "Mo-Fr 08:30-12:00,13:30-17:00"
    # "-" closes a half-day.
    assert _place("mednumBFC_TL_241_").opening_hours == "Mo,Tu,Th 08:30-12:00,13:30-16:00; We,Fr 08:30-12:00"
    # "8h30-12h" then "12h-16h30": one stretch.
    assert _place("mednumBFC_TL_239_").opening_hours == "Mo-Fr 08:30-16:30"
    assert _place("mednumBFC_TL_237_").opening_hours == ""


def test_it_skips_an_impossible_cell_and_warns_for_that_row(db):
    report = _import()
    mission = _place("mednumBFC_TL_265_")
    assert not mission.opening_hours.startswith("Mo-Tu")
    assert mission.opening_hours.startswith("Tu 12:00-20:00")
    assert mission.needs_review
    assert "« 14h-12h »" in mission.review_note
    warnings = [str(p) for p in report.warnings if "14h-12h" in p.message]
    assert warnings == [
        "ligne 33 « Mission numérique du pays Nivernais morvan » — mardi matin : horaire impossible « 14h-12h » : "
        "la fin n'est pas après le début, case ignorée"
    ]


def test_it_reads_mise_a_jour_as_date_maj(db):
    _import()
    assert _place("mednumBFC_TL_18_").date_maj == dt.date(2021, 3, 5)
    assert _place("mednumBFC_TL_685_").date_maj == dt.date(2021, 12, 2)
    assert _place("mednumBFC_TL_236_").date_maj is None
    assert Place.objects.filter(date_maj__isnull=True).count() == 101


def test_it_keeps_contacts_and_clears_an_address_that_only_repeats_the_name(db):
    _import()
    milo = _place("mednumBFC_TL_250_")
    assert (milo.website, milo.email, milo.phone) == (
        "http://missionlocale-nevers.fr",
        "miloneverssudnivernais@milobfc.fr",
        "03 86 71 64 50",
    )
    assert _place("mednumBFC_TL_245_").address == ""
    assert _place("mednumBFC_TL_330_").address == "10 Place de l'église"


def test_a_second_import_updates_in_place_instead_of_duplicating(db, django_assert_max_num_queries):
    _import()
    before = {p.source_id: (p.pk, p.updated_at) for p in Place.objects.all()}
    with django_assert_max_num_queries(20):
        report = _import()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 120)
    assert {p.source_id: (p.pk, p.updated_at) for p in Place.objects.all()} == before

    Place.objects.filter(source_id="mednumBFC_TL_19_").update(phone="00", name="Renommé")
    _place("mednumBFC_TL_19_").labels.clear()
    report = _import()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 119)
    onlineformapro = _place("mednumBFC_TL_19_")
    assert (onlineformapro.name, onlineformapro.phone) == ("Onlineformapro Nevers", "03 73 27 51 57")
    assert _codes(onlineformapro, "labels") == {"aptic"}
    assert Place.objects.count() == 120


def test_a_reimport_leaves_alone_what_the_source_does_not_know(db):
    _import()
    luzy = _place("mednumBFC_TL_271_")
    Equipment.objects.create(place=luzy, kind=Term.objects.get(vocabulary="equipment", code="3d_printer"))
    Place.objects.filter(pk=luzy.pk).update(status="closed", summary="Fablab du Pays Nivernais Morvan")
    report = _import()
    assert report.unchanged == 120
    luzy.refresh_from_db()
    assert (luzy.status, luzy.summary) == ("closed", "Fablab du Pays Nivernais Morvan")
    assert list(luzy.equipment.values_list("kind__code", flat=True)) == ["3d_printer"]


def test_the_import_stays_within_a_fixed_number_of_queries_per_place(db, django_assert_max_num_queries):
    # One insert per place (its slug and search text are computed on save), then one bulk insert per relation.
    with django_assert_max_num_queries(120 + 30):
        _import()


def test_the_full_file_filtered_on_the_departement_gives_the_same_places(db):
    report = _import(FULL_FILE, departements=["58"])
    assert report.ok
    assert (report.received, report.created, report.filtered_out, len(report.skipped)) == (120, 120, 577, 0)
    nievre_ids = set(Place.objects.values_list("source_id", flat=True))
    Place.objects.all().delete()
    _import()
    assert set(Place.objects.values_list("source_id", flat=True)) == nievre_ids


def test_the_full_file_places_all_rows_but_one(db):
    report = _import(FULL_FILE)
    assert (report.received, report.created) == (696, 696)
    assert [(p.row, p.name) for p in report.skipped] == [("ligne 666", "InfoTuto les tuteurs informatiques")]
    assert "GOUX-LES-USIERS" in report.skipped[0].message
    # Morez merged into Hauts de Bienne in 2016: its postcode and point still place it.
    assert _place("mednumBFC_TL_229_").commune.code == "39368"
    assert Place.objects.filter(commune__departement__code="71").count() == 144


def test_dry_run_checks_and_counts_but_writes_nothing(db):
    report = _import(dry_run=True)
    assert (report.created, report.dry_run) == (120, True)
    assert "Simulation" in report.summary()
    assert not Place.objects.exists()


def test_the_import_places_command_reads_the_bfc_format(db):
    out, err = StringIO(), StringIO()
    call_command("import_places", str(FULL_FILE), format="bfc", departement=["58"], stdout=out, stderr=err)
    assert out.getvalue().startswith("120 lieux lus : 120 créés, 0 mis à jour, 0 inchangé.")
    assert "577 hors des départements demandés" in out.getvalue()
    assert "Avertissement : ligne" in err.getvalue()
    assert Place.objects.count() == 120


def test_a_csv_that_is_not_from_mednum_bfc_is_refused(db, tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("nom,commune\nFablab,Nevers\n", encoding="utf-8")
    report = _import(path)
    assert not report.ok
    assert "colonnes absentes" in str(report.errors[0])
    assert not Place.objects.exists()


def test_distances_in_review_notes_agree_with_the_points_of_the_file(db):
    _import()
    couveuse = _place("mednumBFC_TL_254_")
    # The file gives 47.052947, 3.657528 for this Nevers row.
    distance = haversine_km(47.052947, 3.657528, couveuse.commune.latitude, couveuse.commune.longitude)
    assert round(distance) == 39
