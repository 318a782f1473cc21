"""Import and export whole files, whatever their format: what the commands call."""

from collections.abc import Sequence

from django.conf import settings
from django.db.models import QuerySet

from directory.importers.exporter import export_data
from directory.importers.records import ReadOptions, ReadResult
from directory.importers.registry import FORMATS
from directory.importers.writer import ImportReport, commune_index, import_records
from directory.models import Place


def read_file(data: bytes, *, format_name: str, departements: Sequence[str] = ()) -> ReadResult:
    place_format = FORMATS.get(format_name)
    if place_format.read is None:
        raise ValueError(f"le format « {format_name} » ne se lit pas")
    options = ReadOptions(
        departements=tuple(code.strip().upper() for code in departements if code.strip()),
        far_point_km=settings.FAR_POINT_KM,
        load_communes=commune_index,
    )
    return place_format.read(data, options)


def import_file(
    data: bytes, *, format_name: str, actor: str, dry_run: bool, departements: Sequence[str] = ()
) -> ImportReport:
    result = read_file(data, format_name=format_name, departements=departements)
    report = ImportReport(actor=actor, dry_run=dry_run)
    report.add_read_result(result)
    return import_records(result.places, actor=actor, dry_run=dry_run, report=report)


def export_file(*, format_name: str, queryset: QuerySet[Place] | None = None) -> bytes:
    return export_with_report(format_name=format_name, queryset=queryset)[0]


def export_with_report(*, format_name: str, queryset: QuerySet[Place] | None = None) -> tuple[bytes, list[str]]:
    """The file, and French lines on the places the format leaves out beyond those closed for good."""
    place_format = FORMATS.get(format_name)
    if place_format.write is None:
        raise ValueError(f"le format « {format_name} » ne s'écrit pas")
    places = export_data(queryset)
    report = place_format.left_out(places) if place_format.left_out else []
    return place_format.write(places), report
