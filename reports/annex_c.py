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

from store.database import Store
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
    if record.seal is not None:
        label = "提取记录（网址、重定向、状态、时间、平台、工具与方法、地点及清单）"
        rows.append(f'<tr><td>{label}</td><td>SHA-256</td><td class="hash">{record.seal.sha256}</td></tr>')
        if record.seal.sm3:
            rows.append(f'<tr><td>{label}</td><td>SM3</td><td class="hash">{record.seal.sm3}</td></tr>')
        if record.seal.hmac_sha256:
            key = escape(record.seal.key_id or "")
            rows.append(
                f"<tr><td>{label}（机构密钥 {key}）</td><td>HMAC-SHA256</td>"
                f'<td class="hash">{record.seal.hmac_sha256}</td></tr>'
            )
    return "".join(rows)


def _verification(problems: list[str] | None, keyed: bool) -> str:
    """What was recomputed when this record was printed, and with what result."""
    if problems is None:
        return ""
    checked = "各对象及清单的 SHA-256 与 SM3 校验值、提取记录校验值"
    checked += "、以机构密钥计算的 HMAC" if keyed else "（未提供机构密钥，未核验 HMAC）"
    found = "；".join(escape(p) for p in problems)
    verdict = f"发现不一致：{found}。" if problems else "均与记录一致。"
    return f'<p class="verified">打印本笔录时重新计算了{checked}，{verdict}</p>'


def render(
    record: EvidenceRecord,
    screenshot: bytes | None = None,
    problems: list[str] | None = None,
    keyed: bool = False,
) -> str:
    """The filled-in form; `screenshot` (PNG bytes) is embedded when given. `problems` are
    the mismatches found when the record was verified just before printing (None: not
    verified), `keyed` whether the HMAC was part of that check."""
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
        "verification": _verification(problems, keyed),
    }
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)


def render_verified(store: Store, record: EvidenceRecord, key: bytes | None) -> str:
    """The form of a stored record, verified against the store just before printing (its
    artifacts, manifest, seal and, with `key`, HMAC), with the outcome written on it."""
    from gridfs.errors import GridFSError

    from store.verify import check_record

    problems = [f"{m.subject}: {m.problem}" for m in check_record(store, record, {}, key)]
    shot = next((a for a in record.artifacts if a.kind == "screenshot"), None)
    try:
        image = store.read_artifact(shot.file_id) if shot else None
    except GridFSError:
        image = None  # reported among the problems
    return render(record, image, problems, keyed=key is not None)
