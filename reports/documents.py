"""Print-ready documents for one clue: the DB5109/T15 Annex D notice, and the Annex C
evidence record of one of its evidence records (rendered by reports.annex_c).

HTML with A4 print CSS and the page screenshot embedded (data URI), so one file travels
alone; `html_to_pdf` prints it with the Chromium the crawler uses.
"""

from __future__ import annotations

import base64
import html
from datetime import datetime
from pathlib import Path
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

from reports.annex_c import ARTIFACT_LABELS
from reports.picture_crop import picture_figure
from reports.report import department_of
from review.workflow import STATUS_LABELS, WorkflowError
from store.database import Store
from store.models import EvidenceRecord, utcnow
from store.regions import region_label

TEMPLATES = Path(__file__).parent / "templates"
BEIJING = ZoneInfo("Asia/Shanghai")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: Evidence records listed in a notice: the newest ones.
RECORDS_PER_DOCUMENT = 5


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def local_time(value: datetime | None, minutes: bool = True) -> str:
    """A timestamp in Beijing time, as the forms write it (年月日时分)."""
    if value is None:
        return "—"
    t = value.astimezone(BEIJING)
    return f"{t:%Y年%m月%d日 %H时%M分}" if minutes else f"{t:%Y年%m月%d日}"


def load_clue(store: Store, clue_id: str) -> dict[str, Any]:
    doc = store.clues.find_one({"_id": clue_id})
    if doc is None:
        raise WorkflowError(f"no clue {clue_id!r}")
    return doc


def evidence_records(store: Store, clue: dict[str, Any], limit: int = RECORDS_PER_DOCUMENT) -> list[EvidenceRecord]:
    """The clue's evidence records, newest first (refs without a stored record are skipped)."""
    refs = sorted(clue.get("evidence") or [], key=lambda r: r["captured_at"], reverse=True)
    ids = list(dict.fromkeys(r["evidence_id"] for r in refs))[:limit]
    found = {doc["_id"]: EvidenceRecord.model_validate(doc) for doc in store.evidence.find({"_id": {"$in": ids}})}
    return [found[i] for i in ids if i in found]


def screenshot_uri(store: Store, record: EvidenceRecord) -> str | None:
    for artifact in record.artifacts:
        if artifact.kind == "screenshot":
            data = store.read_artifact(artifact.file_id)
            return f"data:{artifact.media_type};base64,{base64.b64encode(data).decode('ascii')}"
    return None


def figure(uri: str | None, caption: str) -> str:
    if uri is None:
        return '<p class="noshot">（该次提取为HTTP方式，无网页截图；原始数据见完整性校验值。）</p>'
    return f'<figure><img src="{uri}" alt="网页截图"><figcaption>{esc(caption)}</figcaption></figure>'


def monitoring_span(clue: dict[str, Any], records: list[EvidenceRecord]) -> str:
    if records:
        start = min(r.capture_start for r in records)
        end = max(r.capture_end for r in records)
    else:
        start, end = clue.get("first_seen"), clue.get("last_seen")
    return f"{local_time(start)} 至 {local_time(end)}"


def party_text(target: dict[str, Any]) -> str:
    name = target.get("shop_name") or target.get("shop_id") or "（经营者名称未公示）"
    uscc = f"（统一社会信用代码：{target['uscc']}）" if target.get("uscc") else ""
    return f"{target.get('platform', '')}平台经营者“{name}”{uscc}"


def allegation_text(clue: dict[str, Any]) -> str:
    rule, hit = clue["rule"], clue.get("hit") or {}
    what = f"，相关内容为“{hit['term']}”" if hit.get("term") else ""
    return f"{party_text(clue['target'])}涉嫌{rule['title']}{what}"


def receiving_department(target: dict[str, Any]) -> str:
    """The 属地 market-regulation bureau named after the target's region."""
    region = target.get("region") or {}
    if not region:
        return "（属地未确定）市场监督管理局"
    place = region.get("county") or region.get("city") or region.get("province")
    prefix = region.get("city") if region.get("county") and region.get("city") != region.get("province") else ""
    return f"{prefix or ''}{place}市场监督管理局"


def evidence_table(records: list[EvidenceRecord], refs: list[dict[str, Any]]) -> str:
    rows = []
    if records:
        for n, record in enumerate(records, 1):
            hashes = "<br>".join(
                f"{esc(ARTIFACT_LABELS.get(a.kind, a.kind))} SHA-256: {esc(a.sha256)}" for a in record.artifacts
            )
            rows.append(
                f"<tr><td>{n}</td><td>{esc(local_time(record.capture_start))}</td>"
                f'<td class="url">{esc(record.final_url)}</td><td>{esc(record.evidence_id)}</td>'
                f'<td class="hash">{hashes}<br><b>完整性校验值</b>: {esc(record.manifest_sha256)}</td></tr>'
            )
    else:
        for n, ref in enumerate(refs, 1):
            rows.append(
                f"<tr><td>{n}</td><td>{esc(local_time(ref['captured_at']))}</td>"
                f'<td class="url">{esc(ref["url"])}</td>'
                f'<td>{esc(ref["evidence_id"])}</td><td class="hash">完整性校验值: {esc(ref["sha256"])}</td></tr>'
            )
    head = "<tr><th>序号</th><th>提取时间</th><th>网址</th><th>证据编号</th><th>SHA-256 校验值</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def render_annex_d(
    store: Store, clue_id: str, receiver: str | None = None, sender: str | None = None, issued: datetime | None = None
) -> str:
    """网络监测线索交办通知书 (Annex D) for one clue, as print-ready HTML."""
    clue = load_clue(store, clue_id)
    records = evidence_records(store, clue)
    rule, target, hit = clue["rule"], clue["target"], clue.get("hit") or {}
    shot = next((uri for uri in (screenshot_uri(store, r) for r in records) if uri), None)
    store.log_access("notice", [r.evidence_id for r in records], note=f"Annex D of clue {clue_id}")
    values = {
        "clue_id": esc(clue["_id"]),
        "clue_short": esc(clue["_id"][:12]),
        "receiver": esc(receiver or receiving_department(target)),
        "sender": esc(sender or f"{department_of(rule)}业务部门"),
        "discovered": esc(local_time(clue.get("first_seen"), minutes=False)),
        "allegation": esc(allegation_text(clue)),
        "rule_title": esc(rule["title"]),
        "rule_id": esc(rule["id"]),
        "severity": esc(rule.get("severity")),
        "legal_basis": esc("；".join(rule.get("legal_basis") or [])),
        "hit_text": esc(hit.get("snippet") or hit.get("term") or f"字段 {hit.get('field', '')}"),
        "hit_picture": picture_figure(store, hit.get("image")),
        "target_text": esc(
            f"{party_text(target)}；属地：{region_label(target.get('region'))}；网址：{target.get('url', '')}"
        ),
        "evidence_table": evidence_table(records, clue.get("evidence") or []),
        "screenshot": figure(shot, f"网页截图（{records[0].final_url}）" if records else ""),
        "issued": esc(local_time(issued or utcnow(), minutes=False)),
        "monitoring_time": esc(monitoring_span(clue, records)),
        "status": esc(STATUS_LABELS.get(clue.get("status", "new"), clue.get("status"))),
        "first_seen": esc(local_time(clue.get("first_seen"))),
        "seen_count": esc(clue.get("seen_count", 1)),
        "task_id": esc(clue.get("task_id") or "—"),
        "generated": esc(local_time(utcnow())),
    }
    return Template((TEMPLATES / "annex_d.html").read_text(encoding="utf-8")).substitute(values)


def render_annex_c(store: Store, clue_id: str, evidence_id: str | None = None, key: bytes | None = None) -> str:
    """电子数据证据提取笔录 (Annex C) of one of the clue's evidence records (default: the
    newest), filled in by the evidence module's form and verified (with the evidence `key`
    when given) as it is printed."""
    from reports.annex_c import render_verified

    clue = load_clue(store, clue_id)
    cited = [ref["evidence_id"] for ref in clue.get("evidence") or []]
    if evidence_id is not None and evidence_id not in cited:
        raise WorkflowError(f"evidence {evidence_id!r} is not cited by clue {clue_id[:12]}")
    records = evidence_records(store, clue, limit=len(cited))
    record = next((r for r in records if evidence_id in (None, r.evidence_id)), None)
    if record is None:
        raise WorkflowError(f"clue {clue_id[:12]} has no stored evidence record")
    document = render_verified(store, record, key)
    store.log_access("record", [record.evidence_id], note=f"clue {clue_id}")
    return document


def html_to_pdf(document: str, output: Path) -> None:
    """Print HTML to an A4 PDF with headless Chromium (the browser the crawler renders with)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(document, wait_until="load")
            page.pdf(path=str(output), format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
