"""The demo catalogue (funding/data/demo/financements-demo.json): the schemes the committee's minutes point to.

Written from the funders' public pages, with their addresses, and marked to be checked: never shown as verified.
Loaded through the CSV format's rows and the importer, so running it again changes nothing; a coordinator's later
checks and status changes are kept.
"""

import json
from pathlib import Path

from funding.exchange.csv_format import record_from_row
from funding.exchange.importer import ImportReport, import_records

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo" / "financements-demo.json"
KEPT_ON_UPDATE = ("status", "needs_check", "checked_on", "checked_by")


def load_funding_demo(path: Path = DEMO_FILE) -> ImportReport:
    rows = json.loads(path.read_text(encoding="utf-8"))["schemes"]
    records = []
    problems = []
    for position, row in enumerate(rows, start=1):
        record, row_problems = record_from_row({key: str(value) for key, value in row.items()})
        problems += [f"dispositif n° {position} : {problem}" for problem in row_problems]
        if record is not None:
            records.append((f"dispositif n° {position}", record))
    if problems:
        return ImportReport(errors=problems)
    return import_records(records, actor_label="données de démonstration", keep=KEPT_ON_UPDATE)
