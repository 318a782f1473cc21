"""The demo data set: the real MedNum BFC places of the served territory, completed from the committee minutes.

Three files, applied in this order and written in one import:
1. the MedNum BFC rows (ODbL 1.0, credit "MedNum BFC");
2. data/demo/complements.json, what the minutes add to those rows
   (fablab equipment to confirm, the Écocentre closed for good);
3. data/demo/lieux-demo.json, the places the minutes name that the file lacks.
Running it again changes nothing.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command

from directory.importers.bfc import CREDIT
from directory.importers.complements import apply_complements, read_complements
from directory.importers.files import read_file
from directory.importers.licences import LICENCES
from directory.importers.writer import ImportReport, counted, import_records
from territory.models import Commune

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BFC_FILE = BASE_DIR / "data" / "standards" / "mednum-bfc" / "bfc-ternum-dataset-nievre-58.csv"
DEMO_DIR = BASE_DIR / "data" / "demo"
COMPLEMENTS_FILE = DEMO_DIR / "complements.json"
DEMO_PLACES_FILE = DEMO_DIR / "lieux-demo.json"


@dataclass
class DemoReport:
    import_report: ImportReport
    territory_loaded: bool = False
    communes: int = 0
    bfc_places: int = 0
    bfc_far_points: int = 0
    demo_places: int = 0
    complements: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.import_report.ok

    def lines(self) -> list[str]:
        report = self.import_report
        territory = "chargé" if self.territory_loaded else "déjà présent"
        lines = [f"Territoire : {territory} ({self.communes} communes)."]
        if not report.ok:
            return [*lines, report.summary(), *report.details()]
        lines += [
            f"MedNum BFC : {counted(self.bfc_places, 'lieu', 'lieux')}, "
            f"{counted(len(report.skipped), 'ligne non placée', 'lignes non placées')}, "
            f"{counted(self.bfc_far_points, 'point éloigné', 'points éloignés')} de la commune remplacés "
            "par le point de la commune (à vérifier).",
            f"Démonstration : {counted(self.demo_places, 'lieu ajouté', 'lieux ajoutés')} d'après le compte rendu "
            f"du comité, {counted(self.complements, 'complément')}.",
            f"Enregistrement : {counted(report.created, 'créé')}, {report.updated} mis à jour, "
            f"{counted(report.unchanged, 'inchangé')}.",
            f"Données MedNum BFC sous {LICENCES['odbl-1.0'].name} : crédit « {CREDIT} ».",
        ]
        return lines


def load_demo(*, actor: str = "load_demo") -> DemoReport:
    report = ImportReport(actor=actor, dry_run=False)
    demo = DemoReport(import_report=report)
    if not Commune.objects.exists():
        call_command("load_territory", stdout=io.StringIO())
        demo.territory_loaded = True
    demo.communes = Commune.objects.count()

    bfc = read_file(BFC_FILE.read_bytes(), format_name="bfc")
    places = read_file(DEMO_PLACES_FILE.read_bytes(), format_name="native")
    complements, problems = read_complements(COMPLEMENTS_FILE.read_bytes())
    report.add_read_result(bfc)
    report.add_read_result(places)
    report.errors.extend(problems)
    records = bfc.places + places.places
    report.errors.extend(apply_complements(records, complements))

    demo.bfc_places = len(bfc.places)
    demo.bfc_far_points = sum(1 for record in bfc.places if record.data.point_to_check)
    demo.demo_places = len(places.places)
    demo.complements = len(complements)
    import_records(records, actor=actor, dry_run=False, report=report)
    return demo
