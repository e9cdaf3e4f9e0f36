from __future__ import annotations

import struct
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli import main
from reports.documents import CHROMIUM, CHROMIUM_ARGS
from reports.report import build_report, department_of, family_label
from reports.report_output import render_html, write_xlsx
from store.regions import region_label
from tests.workflow.scenario import RUN_1, RUN_2, TASK, World


def expected(world: World, key, names: list[str] | None = None) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    clues = [c for n, c in world.clues.items() if names is None or n in names]
    counts = Counter(key(c) for c in clues)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def db_args(world: World, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    host, port = world.store.client.address
    monkeypatch.setenv("MONGO_URI", f"mongodb://{host}:{port}/")
    return ["--db", world.store.db.name]


def test_task_report_counts_by_every_axis(world: World) -> None:
    report = build_report(world.store, task_id=TASK)
    assert report.total == len(world.clues) == 6
    assert report.axes["family"] == expected(world, lambda c: family_label(c.rule.family))
    assert report.axes["platform"] == expected(world, lambda c: c.target.platform)
    assert report.axes["severity"] == sorted(expected(world, lambda c: c.rule.severity))
    assert report.axes["region"] == expected(world, lambda c: region_label(c.target.region))
    assert dict(report.axes["region"])["四川省 遂宁市 船山区"] == 2
    assert dict(report.axes["region"])["未分配"] == 1
    assert report.axes["department"] == expected(world, lambda c: department_of(c.rule.model_dump()))
    assert report.axes["status"] == [("new", 6)]


def test_department_comes_from_the_rule_when_the_clue_carries_it(world: World) -> None:
    world.store.clues.update_one({"_id": world.clues["drug"].id}, {"$set": {"rule.department": "药品流通监管科"}})
    departments = dict(build_report(world.store, task_id=TASK).axes["department"])
    assert departments["药品流通监管科"] == 1


def test_trend_across_runs_and_new_against_repeated(world: World) -> None:
    report = build_report(world.store, task_id=TASK)
    assert [r.job_id for r in report.trend] == [RUN_1[0], RUN_2[0]]
    run_1 = [n for n, c in world.clues.items() if any(e.evidence_id.startswith(f"EV-{RUN_1[0]}") for e in c.evidence)]
    run_2 = [n for n, c in world.clues.items() if any(e.evidence_id.startswith(f"EV-{RUN_2[0]}") for e in c.evidence)]
    assert [r.sighted for r in report.trend] == [len(run_1), len(run_2)]
    assert [r.new for r in report.trend] == [len(run_1), len(set(run_2) - set(run_1))]
    both = set(run_1) & set(run_2)
    assert (report.new_count, report.repeated_count) == (len(world.clues) - len(both), len(both))


def test_period_report_takes_clues_sighted_in_the_period(world: World) -> None:
    # RUN_2 is 2025-03-08 10:00 Beijing time; RUN_1 (03-01) is outside.
    report = build_report(world.store, since=date(2025, 3, 5), until=date(2025, 3, 8))
    in_period = ["abs", "cos", "terms", "tea"]
    assert report.total == len(in_period)
    assert report.axes["platform"] == expected(world, lambda c: c.target.platform, in_period)
    assert (report.new_count, report.repeated_count) == (2, 2)  # terms, tea first seen in it
    assert [r.job_id for r in report.trend] == [RUN_2[0]]
    assert build_report(world.store, since=date(2025, 3, 9), until=date(2025, 3, 31)).total == 0
    with pytest.raises(ValueError):
        build_report(world.store, since=date(2025, 3, 9), until=date(2025, 3, 1))


def test_top_shops_rank_by_clue_count(world: World) -> None:
    shops = build_report(world.store, task_id=TASK).top_shops
    by_shop = Counter(c.target.shop_name for c in world.clues.values())
    assert [s["clues"] for s in shops] == sorted(by_shop.values(), reverse=True)
    assert shops[0]["shop"] == "遂宁康健大药房旗舰店" and shops[0]["worst"] == "S1"
    assert shops[0]["region"] == "四川省 遂宁市 船山区" and shops[0]["uscc"].startswith("91510903")


def test_xlsx_has_each_table_on_its_own_sheet(world: World, tmp_path: Path) -> None:
    report = build_report(world.store, task_id=TASK)
    path = tmp_path / "report.xlsx"
    write_xlsx(report, path)
    wb = load_workbook(path)
    for sheet in (
        "概览",
        "按问题类型",
        "按平台",
        "按严重程度",
        "按业务部门",
        "按属地",
        "批次趋势",
        "重点店铺",
        "线索清单",
    ):
        assert sheet in wb.sheetnames
    platform = wb["按平台"]
    assert [tuple(r) for r in platform.iter_rows(min_row=2, values_only=True)] == report.axes["platform"]
    assert platform.tables and next(iter(platform.tables.values())).ref == f"A1:B{len(report.axes['platform']) + 1}"
    clue_rows = list(wb["线索清单"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in clue_rows) == sorted(c.id for c in world.clues.values())
    trend = list(wb["批次趋势"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in trend] == [RUN_1[0], RUN_2[0]] and trend[0][1].hour == 10  # Beijing time


def test_cli_report_html_and_xlsx(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = db_args(world, monkeypatch)
    assert main(["report", "--since", "2025-03-01", "--until", "2025-03-31", *db]) == 0
    html = capsys.readouterr().out
    assert html.startswith("<!DOCTYPE html>") and "2025年03月01日 至 2025年03月31日" in html
    out = tmp_path / "r.xlsx"
    assert main(["report", "--task", TASK, "--format", "xlsx", "-o", str(out), *db]) == 0
    assert load_workbook(out)["概览"]["B4"].value == len(world.clues)
    assert main(["report", "--since", "2025-03-01", *db]) == 2
    assert "--since needs --until" in capsys.readouterr().err


@pytest.mark.browser
def test_html_report_renders_in_chromium(world: World, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    report = build_report(world.store, task_id=TASK)
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(report), encoding="utf-8")
    shot = tmp_path / "report.png"
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.goto(page_file.as_uri(), wait_until="load")
            charts = page.locator("svg.chart")
            assert charts.count() == 9  # six axes, trend, new/repeated, top shops
            for i in range(charts.count()):
                box = charts.nth(i).bounding_box()
                assert box is not None and box["width"] > 300 and box["height"] > 40
            assert page.locator("svg.chart.line polyline.series").count() == 2
            bars = page.locator("#by-platform + .pair svg rect.bar")
            assert bars.count() == len(report.axes["platform"])
            assert page.locator("table").count() == 9
            region_cells = page.locator("#by-region + .pair table tbody tr td:first-child").all_inner_texts()
            assert region_cells == [label for label, _ in report.axes["region"]]
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert problems == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1100 and height > 900  # full page, longer than the viewport
