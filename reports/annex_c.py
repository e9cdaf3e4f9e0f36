"""DB5109/T15 Annex C 电子数据证据提取笔录 for one evidence record, as printable HTML.

The fields the system knows are filled in (time to the minute, place, method and process
with tool and browser version, content with sizes, integrity values per object and for
the whole record); the people, their 执法证号 and signatures are left blank for the officers."""

from __future__ import annotations

import base64
from datetime import datetime
from html import escape
from pathlib import Path
from string import Template
from zoneinfo import ZoneInfo

from store.models import EvidenceRecord

TEMPLATE = Path(__file__).parent / "templates" / "evidence_record.html"
BEIJING = ZoneInfo("Asia/Shanghai")
ARTIFACT_LABELS = {
    "body": "网页原始响应数据",
    "headers": "HTTP 响应头",
    "rendered": "浏览器渲染后的网页（DOM）",
    "screenshot": "整页截图",
    "ocr": "图片文字识别结果（逐行文字、位置框与置信度）",
}
METHOD_LABELS = {"http": "以 HTTP 协议直接获取网页原始数据", "browser": "以无头浏览器渲染网页并截取整页截图"}


def minute(value: datetime) -> str:
    """Beijing time to the minute, as the form writes it."""
    return f"{value.astimezone(BEIJING):%Y年%m月%d日 %H时%M分}"


def _process(record: EvidenceRecord) -> str:
    steps = [
        f"使用 {escape(record.tool)}，{METHOD_LABELS[record.method]}。",
        f'请求网址 <span class="url">{escape(record.url)}</span>。',
    ]
    if record.redirect_chain:
        chain = " → ".join(escape(u) for u in [*record.redirect_chain, record.final_url])
        steps.append(f'经重定向：<span class="url">{chain}</span>。')
    final = escape(record.final_url)
    steps.append(f'服务器返回 HTTP 状态 {record.http_status}，最终网址 <span class="url">{final}</span>。')
    if record.user_agent:
        steps.append(f"User-Agent：{escape(record.user_agent)}。")
    steps.append(
        "原始响应字节按接收原样保存，未经转码；对每个对象计算 SHA-256 与 SM3 校验值，"
        "并对全部对象的校验值计算清单校验值；保存后不可改写。"
    )
    return "<br>".join(steps)


def _hash_rows(record: EvidenceRecord) -> str:
    rows = []
    for a in record.artifacts:
        label = escape(ARTIFACT_LABELS.get(a.kind, a.kind))
        rows.append(f'<tr><td>{label}</td><td>SHA-256</td><td class="hash">{a.sha256}</td></tr>')
        if a.sm3:
            rows.append(f'<tr><td>{label}</td><td>SM3</td><td class="hash">{a.sm3}</td></tr>')
    rows.append(f'<tr><td>清单（全部对象）</td><td>SHA-256</td><td class="hash">{record.manifest_sha256}</td></tr>')
    if record.manifest_sm3:
        rows.append(f'<tr><td>清单（全部对象）</td><td>SM3</td><td class="hash">{record.manifest_sm3}</td></tr>')
    return "".join(rows)


def render(record: EvidenceRecord, screenshot: bytes | None = None) -> str:
    """The filled-in form; `screenshot` (PNG bytes) is embedded when given."""
    artifact_rows = "".join(
        f"<tr><td>{n}</td><td>{escape(ARTIFACT_LABELS.get(a.kind, a.kind))}</td>"
        f"<td>{escape(a.media_type)}</td><td>{a.size:,}</td></tr>"
        for n, a in enumerate(record.artifacts, 1)
    )
    figure = ""
    if screenshot:
        data = base64.b64encode(screenshot).decode("ascii")
        figure = (
            f'<figure><img alt="整页截图" src="data:image/png;base64,{data}"><figcaption>整页截图</figcaption></figure>'
        )
    location = record.location
    medium = f"{record.platform} 平台网络服务器（互联网公开访问），提取时在线，HTTP 状态 {record.http_status}"
    content = (
        f"{record.platform} 平台页面 {record.target_id} 的网页数据，共 {len(record.artifacts)} 个对象，"
        f"合计 {sum(a.size for a in record.artifacts):,} 字节："
    )
    values = {
        "evidence_id": escape(record.evidence_id),
        "time_span": f"{minute(record.capture_start)} 至 {minute(record.capture_end)}",
        "url": escape(record.final_url),
        "host": escape(location.host if location else "—"),
        "system": escape(f"wangjian 网络交易监测系统，{record.tool}"),
        "medium": escape(medium),
        "process": _process(record),
        "content": escape(content),
        "artifact_rows": artifact_rows,
        "screenshot": figure,
        "hash_rows": _hash_rows(record),
    }
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)
