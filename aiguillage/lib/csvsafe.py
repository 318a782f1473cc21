"""Spreadsheet-safe CSV: a cell that a spreadsheet would read as a formula is written as text.

A value such as ``=HYPERLINK("http://e.vil")`` typed into a form must not run
when a coordinator opens an export in LibreOffice or Excel (CSV injection,
OWASP). Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return get a leading apostrophe, which spreadsheets take as "this is text".
A plain signed number (``+33612345678``, ``-3.5``) is left alone: it cannot
carry a formula, and national schemas require telephones as ``+33…`` and
coordinates as signed decimals.

Every CSV the project writes goes through ``writer`` (or ``safe_cell`` /
``safe_row`` for code that builds rows itself).
"""

import csv
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")


class _Writer(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


def safe_cell(value: Any) -> str:
    """The value as CSV text, neutralised if a spreadsheet would read it as a formula; None is empty."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(TRIGGERS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def safe_row(row: Iterable[Any]) -> list[str]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, inner: _Writer) -> None:
        self._inner = inner

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._inner.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """``csv.DictWriter`` whose every value goes through ``safe_cell`` (the header is ours, left as is)."""

    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Any]) -> None:
        for row in rowdicts:
            self.writerow(row)


def writer(buffer: Any, **kwargs: Any) -> SafeWriter:
    """Like ``csv.writer(buffer, **kwargs)``, with spreadsheet-safe cells."""
    return SafeWriter(csv.writer(buffer, **kwargs))


def dict_writer(buffer: Any, fieldnames: Sequence[str], **kwargs: Any) -> SafeDictWriter:
    """Like ``csv.DictWriter(buffer, fieldnames, **kwargs)``, with spreadsheet-safe cells."""
    return SafeDictWriter(buffer, fieldnames, **kwargs)
