"""Imports of schemes, whatever the file's format: every row checked first, then all written or nothing.

A scheme is known by its provenance, the pair (source, source_id): importing a file again updates the schemes it
created instead of adding new ones, and a scheme whose data did not move is not written again.
"""

from dataclasses import dataclass, field

from django.db import transaction

from funding.exchange.records import SchemeRecord
from funding.models import ChangeKind, Scheme
from funding.vocabularies import Terms
from funding.writing import WriteError, check_record, save_record


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        lines = [f"Avertissement : {warning}" for warning in self.warnings]
        if not self.ok:
            lines += [f"Erreur : {error}" for error in self.errors]
            lines.append(
                f"Fichier refusé : {len(self.errors)} erreur{'s' if len(self.errors) > 1 else ''}, rien n'a été écrit."
            )
            return lines
        verb = "à créer" if self.dry_run else "créé"
        lines.append(
            f"Dispositifs : {self.created} {verb}{'s' if self.created > 1 else ''}, {self.updated} mis à jour, "
            f"{self.unchanged} inchangé{'s' if self.unchanged > 1 else ''}"
            + (" (essai : rien n'a été écrit)." if self.dry_run else ".")
        )
        return lines


class _DryRun(Exception):
    pass


def import_records(
    records: list[tuple[str, SchemeRecord]],
    *,
    actor_label: str,
    dry_run: bool = False,
    keep: tuple[str, ...] = (),
    warnings: list[str] | None = None,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run, warnings=list(warnings or []))
    terms = Terms.load()
    seen: set[tuple[str, str]] = set()
    in_file = {f"{record.source}:{record.source_id}" for _, record in records}
    for label, record in records:
        key = (record.source, record.source_id)
        if key in seen:
            report.errors.append(
                f"{label} « {record.title} » : identifiant en double ({record.source}, {record.source_id})"
            )
        seen.add(key)
        scheme = Scheme.objects.filter(source=record.source, source_id=record.source_id).first()
        _, problems = check_record(record, terms, scheme=scheme)
        # A national scheme declined in the same file is written first (below): it is not unknown.
        problems = [problem for problem in problems if not (record.parent in in_file and record.parent in problem)]
        report.errors += [f"{label} « {record.title} » : {problem}" for problem in problems]
    if report.errors:
        return report
    try:
        with transaction.atomic():
            # Parents before the schemes that decline them.
            for _, record in sorted(records, key=lambda item: bool(item[1].parent)):
                existed = Scheme.objects.filter(source=record.source, source_id=record.source_id).exists()
                _, change = save_record(
                    record=record, actor=None, actor_label=actor_label, kind=ChangeKind.IMPORT, terms=terms, keep=keep
                )
                if not existed:
                    report.created += 1
                elif change is None:
                    report.unchanged += 1
                else:
                    report.updated += 1
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except WriteError as error:
        report.errors += error.problems
    return report
