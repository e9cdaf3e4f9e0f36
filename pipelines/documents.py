"""Print-ready documents for one clue (DB5109/T15 Annex D notice, Annex C evidence record).

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

from pipelines.models import EvidenceRecord, utcnow
from pipelines.regions import region_label
from pipelines.report import department_of
from pipelines.store import Store
from pipelines.workflow import STATUS_LABELS, WorkflowError

TEMPLATES = Path(__file__).parent / "templates"
BEIJING = ZoneInfo("Asia/Shanghai")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: Evidence records printed per clue: the newest ones, each its own page.
RECORDS_PER_DOCUMENT = 5
ARTIFACT_LABELS = {"body": "网页原始数据", "headers": "HTTP响应头", "screenshot": "网页截图"}
METHOD_LABELS = {"http": "HTTP直接获取网页原始数据", "browser": "无头浏览器渲染网页并截取整页截图"}


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
            data = store.read_artifact(artifact.sha256)
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


def _record_page(store: Store, clue: dict[str, Any], record: EvidenceRecord, page: int, pages: int) -> str:
    artifacts = "".join(
        f"<tr><td>{esc(ARTIFACT_LABELS.get(a.kind, a.kind))}</td><td>{esc(a.media_type)}</td><td>{a.size}</td>"
        f'<td class="hash">{esc(a.sha256)}</td></tr>'
        for a in record.artifacts
    )
    chain = " → ".join([*record.redirect_chain, record.final_url]) if record.redirect_chain else record.final_url
    process = (
        f"使用 {record.tool}，以{METHOD_LABELS.get(record.method, record.method)}；请求 {record.url}，"
        f"最终网址 {chain}，HTTP 状态 {record.http_status}"
        + (f"，User-Agent：{record.user_agent}" if record.user_agent else "")
        + "。提取后逐一计算各对象 SHA-256，并对全部校验值计算清单校验值。"
    )
    hit = clue.get("hit") or {}
    content = (
        f"{party_text(clue['target'])}的{'店铺' if clue['target'].get('kind') == 'shop' else '商品'}页面；"
        f"涉嫌{clue['rule']['title']}，相关内容：{hit.get('snippet') or hit.get('term') or '—'}"
    )
    return f"""<section class="record">
<h1>电子数据证据提取笔录</h1>
<p class="sub">（DB5109/T15—2022 附录C） 证据编号：{esc(record.evidence_id)} 线索编号：{esc(clue["_id"][:12])}</p>
<table>
<tr><th>时间</th><td>{esc(local_time(record.capture_start))} 至 {esc(local_time(record.capture_end))}</td></tr>
<tr><th>地点</th><td class="url">{esc(record.final_url)}（{esc(record.platform)}平台）</td></tr>
<tr><th>检查人</th><td></td></tr>
<tr><th>提取人</th><td>网络交易信息监测系统（自动提取）</td></tr>
<tr><th>执法人员 / 执法证号</th><td>　　　　　　/　　　　　　　　　　　　　　/</td></tr>
<tr><th>原始存储介质名称及状态</th><td>网络服务器（{esc(record.platform)}平台），提取时在线可访问，
HTTP 状态 {record.http_status}</td></tr>
<tr><th>提取方法和过程</th><td>{esc(process)}</td></tr>
<tr><th>提取的电子数据内容</th><td>{esc(content)}
<table class="inner"><tr><th>对象</th><th>类型</th><th>字节</th><th>SHA-256</th></tr>{artifacts}</table>
{figure(screenshot_uri(store, record), "网页截图")}</td></tr>
<tr><th>电子数据的完整性校验值</th><td class="hash">SHA-256 {esc(record.manifest_sha256)}</td></tr>
</table>
<p class="confirm">以上是本次电子数据提取情况的记录，请核对/已向你宣读。如果属实请签名。</p>
<div class="sign"><div>被检查人：<br>年　月　日</div><div>提取人：<br>年　月　日</div>
<div>执法人员：<br>年　月　日</div></div>
<p class="page">第 {page} 页 共 {pages} 页</p>
</section>"""


def render_annex_c(store: Store, clue_id: str) -> str:
    """电子数据证据提取笔录 (Annex C) for the newest evidence records of one clue."""
    clue = load_clue(store, clue_id)
    records = evidence_records(store, clue)
    if not records:
        raise WorkflowError(f"clue {clue_id[:12]} has no stored evidence record")
    pages = "\n".join(_record_page(store, clue, r, n, len(records)) for n, r in enumerate(records, 1))
    template = Template((TEMPLATES / "clue_annex_c.html").read_text(encoding="utf-8"))
    return template.substitute(clue_short=esc(clue_id[:12]), records=pages)


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
