"""Spreadsheet cells that stay data: what a seller writes never becomes a live formula.

Shop names, page text and snippets come from the crawled pages. A spreadsheet program treats
a CSV field starting with `=`, `+`, `-` or `@` (also after a tab or carriage return) as a
formula, which can run commands on a case officer's desktop. Following the OWASP
CSV-injection guidance, such text is written with a leading single quote in CSV. East Asian
input methods turn the full-width `＝＋－＠` into formulas too, so those are treated alike.

In XLSX every text is written as a typed string (an inline string, never an `<f>` element),
keeping its value unchanged, and a cell that looks like a formula gets the "quote prefix"
style, so editing it in Excel does not turn it into one either. Characters XML 1.0 cannot
carry (control characters) are replaced instead of failing the whole export.

Every CSV and XLSX writer of the project goes through `csv_row` / `xlsx_row`.
"""

from __future__ import annotations

from typing import Any

#: First characters that make a spreadsheet program read a cell as a formula.
FORMULA_START = frozenset("=+-@\t\r\n＝＋－＠")
QUOTE = "'"


def looks_like_formula(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_START


def csv_field(value: Any) -> Any:
    """One CSV field: None as empty, formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and looks_like_formula(value):
        return QUOTE + value
    return value


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_field(v) for v in values]


def xlsx_row(sheet: Any, values: list[Any]) -> list[Any]:
    """Cells for `sheet.append` (normal or write-only sheets): text typed as string."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    out: list[Any] = []
    for value in values:
        if not isinstance(value, str):
            out.append(value)
            continue
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; this is text
        if looks_like_formula(text):
            cell.quotePrefix = True
        out.append(cell)
    return out
