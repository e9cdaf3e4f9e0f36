"""The monitoring report as a self-contained HTML page (inline SVG charts) or an XLSX
workbook (one sheet per table)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from reports.cells import xlsx_row
from reports.charts import PALETTE, bar_chart, line_chart
from reports.report import BEIJING, Report
from review.workflow import STATUS_LABELS

TEMPLATES = Path(__file__).parent / "templates"

#: (axis key, heading, first column name)
AXES = (
    ("family", "按问题类型", "问题类型"),
    ("platform", "按平台", "平台"),
    ("severity", "按严重程度", "严重程度"),
    ("department", "按业务部门", "业务部门"),
    ("region", "按属地", "属地"),
    ("status", "按处置状态", "处置状态"),
)
SHOP_COLUMNS = (("platform", "平台"), ("shop", "店铺"), ("uscc", "统一社会信用代码"), ("region", "属地"),
                ("clues", "线索数"), ("families", "问题类型数"), ("worst", "最高严重程度"))  # fmt: skip
CLUE_COLUMNS = (("id", "线索编号"), ("family", "问题类型"), ("rule", "规则"), ("severity", "严重程度"),
                ("department", "业务部门"), ("platform", "平台"), ("shop", "店铺"), ("uscc", "统一社会信用代码"),
                ("region", "属地"), ("term", "命中内容"), ("status", "状态"), ("first_seen", "首次发现"),
                ("last_seen", "最近发现"), ("seen_count", "发现次数"), ("new", "新增"), ("url", "网址"))  # fmt: skip


def local(value: datetime) -> str:
    return f"{value.astimezone(BEIJING):%Y-%m-%d %H:%M}"


def _axis_rows(report: Report, axis: str) -> list[tuple[str, int]]:
    rows = report.axes[axis]
    if axis == "status":
        return [(STATUS_LABELS.get(k, k), v) for k, v in rows]
    return rows


def _td(value: Any, numeric: bool) -> str:
    return f"<td{' class=n' if numeric else ''}>{escape(str(value))}</td>"


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_td(v, i in numeric) for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: Report) -> str:
    cards = [("线索总数", report.total), ("新增", report.new_count), ("重复", report.repeated_count),
             ("涉及平台", len(report.axes["platform"])), ("涉及店铺", report.shop_count),
             ("监测批次", len(report.trend))]  # fmt: skip
    sections = []
    for k, (axis, heading, column) in enumerate(AXES):
        rows = _axis_rows(report, axis)
        share = [[label, n, f"{100 * n / report.total:.1f}%" if report.total else "-"] for label, n in rows]
        sections.append(
            f'<h2 id="by-{axis}">{escape(heading)}</h2><div class="pair"><div>'
            f"{bar_chart(heading, rows[:20], color=PALETTE[k % len(PALETTE)])}</div><div>"
            f"{_table([column, '线索数', '占比'], share, {1, 2})}</div></div>"
        )
    labels = [f"{r.started.astimezone(BEIJING):%m-%d %H:%M}" for r in report.trend]
    chart = line_chart("各批次线索趋势", labels, {"发现线索": [r.sighted for r in report.trend],
                                                   "新增线索": [r.new for r in report.trend]})  # fmt: skip
    runs = [[r.job_id, local(r.started), r.sighted, r.new] for r in report.trend]
    sections.append(
        f'<h2 id="trend">监测批次趋势</h2><div class="pair"><div>{chart}</div><div>'
        f"{_table(['批次', '开始时间', '发现线索', '新增线索'], runs, {2, 3})}</div></div>"
    )
    new_rows = [("新增", report.new_count), ("重复", report.repeated_count)]
    sections.append(
        f'<h2 id="new-repeated">新增与重复线索</h2><div class="pair"><div>{bar_chart("新增与重复", new_rows)}</div>'
        f"<div>{_table(['类别', '线索数'], [list(r) for r in new_rows], {1})}</div></div>"
    )
    shops = [[s[key] for key, _ in SHOP_COLUMNS] for s in report.top_shops]
    shop_bars = [(f"{s['shop']}（{s['platform']}）", s["clues"]) for s in report.top_shops]
    sections.append(
        f'<h2 id="top-shops">线索最多的店铺</h2>{bar_chart("线索最多的店铺", shop_bars, width=760, color=PALETTE[3])}'
        f"{_table([h for _, h in SHOP_COLUMNS], shops, {4, 5})}"
    )
    if report.extraction:
        names = {"product": "商品页", "shop": "店铺页"}
        rows = [
            [r["job_id"], local(r["started"]) if r["started"] else "-", r["platform"], names.get(r["kind"], r["kind"]),
             r["pages"], "，".join(f"{f} {v:.0%}" for f, v in r["fields"].items()),
             "，".join(r["alerts"]) or "无"]
            for r in report.extraction
        ]  # fmt: skip
        sections.append(
            '<h2 id="extraction">页面提取率（版式变化监测）</h2>'
            + _table(["批次", "开始时间", "平台", "页面", "页数", "各字段提取率", "版式变化告警"], rows, {4})
        )
    if report.picture_clues:
        items = "".join(
            f'<div class="picture-clue"><p>{escape(c["platform"])} · {escape(c["shop"])} · {escape(c["rule"])}'
            f"（{escape(c['severity'])}）：<b>{escape(c['term'])}</b></p>{c['figure']}</div>"
            for c in report.picture_clues
        )
        sections.append(f'<h2 id="pictures">图片中发现的线索</h2>{items}')
    values = {
        "title": escape(report.title),
        "scope": escape(report.scope),
        "generated": escape(local(report.generated)),
        "cards": "".join(f'<div class="card">{escape(name)}<b>{n}</b></div>' for name, n in cards),
        "sections": "\n".join(sections),
        "new_rule": escape(report.new_rule),
        "caveats": "".join(f'<p class="caveat">注意：{escape(c)}</p>' for c in report.caveats),
    }
    return Template((TEMPLATES / "report.html").read_text(encoding="utf-8")).substitute(values)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(BEIJING).replace(tzinfo=None)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _sheet(workbook: Any, title: str, headers: list[str], rows: list[list[Any]], table_name: str) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws = workbook.create_sheet(title)
    ws.append(headers)
    for row in rows:
        ws.append(xlsx_row(ws, [_cell(v) for v in row]))
    for i, header in enumerate(headers, 1):
        width = max([len(str(header)) * 2, *(len(str(r[i - 1])) for r in rows[:200])], default=8)
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
        if rows and isinstance(rows[0][i - 1], datetime):
            for cell in ws[get_column_letter(i)][1:]:
                cell.number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = "A2"
    if rows:
        ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
        table = Table(displayName=table_name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)


def write_xlsx(report: Report, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    overview = wb.active
    overview.title = "概览"
    for row in (
        [report.title],
        ["统计范围", report.scope],
        ["生成时间", local(report.generated)],
        ["线索总数", report.total],
        ["新增线索", report.new_count],
        ["重复线索", report.repeated_count],
        ["监测批次", len(report.trend)],
        ["说明", report.new_rule],
    ):
        overview.append(xlsx_row(overview, row))
    for caveat in report.caveats:
        overview.append(xlsx_row(overview, ["注意", caveat]))
    overview.column_dimensions["A"].width = 14
    overview.column_dimensions["B"].width = 60
    for n, (axis, heading, column) in enumerate(AXES, 1):
        rows = [[label, count] for label, count in _axis_rows(report, axis)]
        _sheet(wb, heading, [column, "线索数"], rows, f"T{n}_{axis}")
    runs = [[r.job_id, r.started, r.sighted, r.new] for r in report.trend]
    _sheet(wb, "批次趋势", ["批次", "开始时间", "发现线索", "新增线索"], runs, "T_trend")
    _sheet(wb, "新增与重复", ["类别", "线索数"], [["新增", report.new_count], ["重复", report.repeated_count]], "T_new")
    shops = [[s[key] for key, _ in SHOP_COLUMNS] for s in report.top_shops]
    _sheet(wb, "重点店铺", [h for _, h in SHOP_COLUMNS], shops, "T_shops")
    clues = [[STATUS_LABELS.get(r[k], r[k]) if k == "status" else r[k] for k, _ in CLUE_COLUMNS] for r in report.clues]
    _sheet(wb, "线索清单", [h for _, h in CLUE_COLUMNS], clues, "T_clues")
    wb.save(path)
