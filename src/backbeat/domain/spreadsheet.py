"""CSV that a spreadsheet opens as data, never as formulas.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read by Excel, LibreOffice and Sheets as a formula (``=HYPERLINK(…)``,
``=cmd|…``): such text cells get the usual ``'`` in front. Numbers stay
numbers (a negative load difference is written as a number, not text).
Every CSV Backbeat writes goes through :func:`csv_writer`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, out: IO[str]):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str]) -> _SafeWriter:
    """A ``csv.writer`` (``\\n`` line ends) whose text cells cannot become formulas."""
    return _SafeWriter(out)
