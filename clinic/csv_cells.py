"""CSV files that are safe to open in a spreadsheet: the one writer every CSV export uses.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a
formula (some also after a leading tab or carriage return), so text a patient typed into the
public booking form could call out to a web address or a command when staff open an export.
An apostrophe in front makes the spreadsheet show the cell as text. JSON exports keep values
as they are: nothing evaluates them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number ("-3", "+1.5") is read as that number, never as a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value: Any) -> Any:
    """The cell as a spreadsheet should show it: text that would start a formula gets `'`."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` with every cell passed through `safe_cell` (the same two methods)."""

    def __init__(self, file, **kwargs: Any):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs: Any) -> SafeWriter:
    """The project's CSV writer; use it instead of `csv.writer` for anything people download."""
    return SafeWriter(file, **kwargs)
