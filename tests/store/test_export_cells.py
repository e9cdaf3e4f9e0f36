"""Exports keep crawled text as data: a seller's formula never reaches an officer's desktop live."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from reports.cells import csv_row, xlsx_row
from reports.report import build_report
from reports.report_output import write_xlsx as write_report_xlsx
from store.database import Store
from store.writer import StoreWriter
from tests.store.conftest import product_envelope, write_envelopes
from tests.store.test_evidence_cli import run

PAYLOAD = "=cmd|' /C calc'!A0"


@pytest.fixture()
def hostile(store: Store, writer: StoreWriter, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Clues of a page whose shop name and text are spreadsheet formulas."""
    envelope = product_envelope("evil1", datetime(2024, 6, 1, tzinfo=UTC), title=f"{PAYLOAD} 国家级 最佳 保温杯")
    envelope.item.shop_name = PAYLOAD
    write_envelopes(writer, [envelope])
    host, port = store.client.address
    monkeypatch.setenv("MONGO_URI", f"mongodb://{host}:{port}/")
    monkeypatch.setenv("WANGJIAN_DB", store.db.name)
    return store


def _no_formulas(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_csv_export_quotes_formula_text(hostile: Store, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "clues", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and rows
    assert {r["店铺名称"] for r in rows} == {"'" + PAYLOAD}
    texts = [v for r in rows for v in r.values() if v]
    assert not any(v[0] in "=+-@＝＋－＠\t\r" for v in texts)


def test_xlsx_export_types_formula_text_as_string(
    hostile: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "clues.xlsx"
    rc, _, _ = run(capsys, "clues", "export", "--output", str(path))
    assert rc == 0
    _no_formulas(path)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    shop = [row[header.index("店铺名称")] for row in sheet.iter_rows(min_row=2)]
    assert shop and all(c.value == PAYLOAD and c.data_type == "s" and c.quotePrefix for c in shop)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_report_types_formula_text_as_string(hostile: Store, tmp_path: Path) -> None:
    report = build_report(hostile, task_id="TASK-1")
    report.title = "+SUM(1,2)"
    path = tmp_path / "report.xlsx"
    write_report_xlsx(report, path)
    _no_formulas(path)
    wb = load_workbook(path)
    assert wb["概览"]["A1"].value == "+SUM(1,2)" and wb["概览"]["A1"].data_type == "s"
    shops = [c for row in wb["重点店铺"].iter_rows(min_row=2) for c in row if c.value == PAYLOAD]
    assert shops and all(c.data_type == "s" for c in shops)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＠x", "－1"])
def test_every_formula_start_is_quoted(text: str) -> None:
    assert csv_row([text, "国家级", None, 3]) == ["'" + text, "国家级", "", 3]


def test_control_characters_do_not_fail_the_workbook(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("s")
    sheet.append(xlsx_row(sheet, ["店\x00铺\x1b", "=A1", 5]))
    wb.save(tmp_path / "x.xlsx")
    row = next(load_workbook(tmp_path / "x.xlsx").active.iter_rows())
    assert [c.value for c in row] == ["店\ufffd铺\ufffd", "=A1", 5] and row[1].data_type == "s"
