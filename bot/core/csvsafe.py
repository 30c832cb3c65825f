"""CSV cells that a spreadsheet will not run as formulas (issue 25, finding 7; OWASP "CSV Injection").

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a single
quote, so Excel, LibreOffice and Google Sheets show it as text. Numbers are left alone (a real negative
number stays a number); only strings are changed. Every CSV the product hands to people goes through this.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in row]
