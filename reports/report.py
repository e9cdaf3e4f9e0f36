"""Monitoring report (监测报告, DB5109/T15 5.x and chapter 9): what the clues of one task or
one period amount to — counts by family, platform, severity, department and region, the
trend across crawl runs, the shops with most clues, and new against repeated clues."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from reports.picture_crop import picture_figure
from store.database import Store
from store.models import utcnow
from store.regions import region_label

BEIJING = ZoneInfo("Asia/Shanghai")
TOP_SHOPS = 15
PICTURE_CLUES_SHOWN = 50
TREND_RUNS = 30
#: A clue's first_seen is written moments after its first capture; a much earlier
#: first_seen means the run that found it is no longer among the evidence kept.
FIRST_SIGHTING_SLACK = timedelta(hours=1)

FAMILY_LABELS = {
    "ad.absolute": "绝对化用语",
    "ad.medical_claim": "非药品宣称医疗功效",
    "ad.drug": "药品/医疗器械/保健食品广告违规",
    "licence.missing": "未公示证照信息",
    "licence.invalid": "统一社会信用代码无效",
    "licence.qualification": "未公示经营资质",
    "drug.banned_online": "网络禁售药品",
    "drug.prescription": "处方药违规销售",
    "cosmetic.claim": "化妆品违规宣称",
    "clause.default_opt_in": "默认勾选搭售",
    "clause.auto_renew": "自动续费未提示",
    "clause.unfair_format": "不公平格式条款",
    "consumer.no_return": "拒绝七日无理由退货",
    "marketing.fake": "虚假营销",
    "price.fake_original": "虚构原价",
    "licence.review": "证照图片需人工复核",
}
#: Business department per family (domain rules, rule-pack map) when a rule's own is unknown.
FAMILY_DEPARTMENTS = {
    "ad": "广告", "licence.missing": "消费者权益", "licence.invalid": "消费者权益",
    "licence.qualification": "药品", "drug": "药品", "cosmetic": "化妆品", "clause": "消费者权益",
    "consumer": "消费者权益", "marketing": "广告", "price": "价格",
}  # fmt: skip
STATUS_ORDER = ("new", "review", "confirmed", "dismissed", "transferred", "closed")


@cache
def _rule_departments() -> dict[str, str]:
    from rules.engine import PACKS_DIR
    from rules.loader import load_packs

    try:
        _, rules = load_packs(PACKS_DIR)
    except Exception:  # a broken pack must not stop a report; families still map
        return {}
    return {rule.id: rule.department for rule in rules}


def department_of(rule: dict[str, Any]) -> str:
    """The business department (业务部门) that judges clues of this rule."""
    if rule.get("department"):
        return str(rule["department"])
    known = _rule_departments().get(rule.get("id", ""))
    if known:
        return known
    family = rule.get("family", "")
    return FAMILY_DEPARTMENTS.get(family) or FAMILY_DEPARTMENTS.get(family.split(".")[0], "其他")


def family_label(family: str) -> str:
    label = FAMILY_LABELS.get(family)
    return f"{label}（{family}）" if label else family


@dataclass
class Run:
    job_id: str
    started: datetime
    sighted: int = 0
    new: int = 0


@dataclass
class Report:
    title: str
    scope: str
    generated: datetime
    total: int
    axes: dict[str, list[tuple[str, int]]]
    trend: list[Run]
    top_shops: list[dict[str, Any]]
    new_count: int
    repeated_count: int
    new_rule: str
    shop_count: int = 0
    clues: list[dict[str, Any]] = field(default_factory=list)
    #: Caveats on completeness: batches still in the local spool, quarantined spool items.
    caveats: list[str] = field(default_factory=list)
    #: Per crawl job and platform: pages read and the share where each watched field was found,
    #: with the layout-drift alarms raised (how a platform's markup change shows in a report).
    extraction: list[dict[str, Any]] = field(default_factory=list)
    #: clues whose words were read from a picture, each with `figure`: the escaped HTML of the
    #: picture cropped around the box (reports.picture_crop)
    picture_clues: list[dict[str, Any]] = field(default_factory=list)


def _period(since: date, until: date) -> tuple[datetime, datetime]:
    """[since 00:00, the day after until 00:00) in Beijing time, as UTC-aware datetimes."""
    start = datetime.combine(since, time(), BEIJING)
    end = datetime.combine(until + timedelta(days=1), time(), BEIJING)
    return start, end


def _counts(values: list[str]) -> list[tuple[str, int]]:
    return sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))


def _runs_of(store: Store, clues: list[dict[str, Any]]) -> dict[str, tuple[str, datetime]]:
    """evidence_id -> (job_id, capture_start) for the evidence the clues cite."""
    ids = list({ref["evidence_id"] for c in clues for ref in c.get("evidence") or []})
    found: dict[str, tuple[str, datetime]] = {}
    for chunk in range(0, len(ids), 5000):
        query = {"_id": {"$in": ids[chunk : chunk + 5000]}}
        for doc in store.evidence.find(query, {"job_id": 1, "capture_start": 1}):
            if doc.get("job_id"):
                found[doc["_id"]] = (doc["job_id"], doc["capture_start"])
    return found


def _sightings(clue: dict[str, Any], runs: dict[str, tuple[str, datetime]]) -> dict[str, datetime]:
    """job_id -> first capture time in that job, for one clue."""
    seen: dict[str, datetime] = {}
    for ref in clue.get("evidence") or []:
        job, at = runs.get(ref["evidence_id"], (None, ref["captured_at"]))
        if job and (job not in seen or at < seen[job]):
            seen[job] = at
    if not seen and clue.get("job_id"):
        seen[clue["job_id"]] = clue.get("first_seen") or clue["last_seen"]
    return seen


def build_report(
    store: Store, task_id: str | None = None, since: date | None = None, until: date | None = None
) -> Report:
    """Gather the report for one task (`task_id`) or one period (`since`..`until`, inclusive days)."""
    if task_id:
        query: dict[str, Any] = {"task_id": task_id}
        scope = f"监测任务 {task_id}"
        window = None
    elif since and until:
        if until < since:
            raise ValueError("--until is before --since")
        window = _period(since, until)
        query = {"last_seen": {"$gte": window[0]}, "first_seen": {"$lt": window[1]}}
        scope = f"{since:%Y年%m月%d日} 至 {until:%Y年%m月%d日}"
    else:
        raise ValueError("a report needs a task id or a period (since and until)")
    clues = list(store.clues.find(query, {"history": 0}))
    runs = _runs_of(store, clues)
    sightings = {c["_id"]: _sightings(c, runs) for c in clues}
    if window is not None:
        clues = [c for c in clues if _seen_within(c, window)]
        sightings = {
            c["_id"]: {j: at for j, at in sightings[c["_id"]].items() if window[0] <= at < window[1]} for c in clues
        }

    rows = [_row(c) for c in clues]
    picture_clues = [
        {**row, "figure": picture_figure(store, clue["hit"]["image"])}
        for row, clue in zip(rows, clues, strict=True)
        if (clue.get("hit") or {}).get("image")
    ][:PICTURE_CLUES_SHOWN]
    axes = {
        axis: _counts([r[axis] for r in rows])
        for axis in ("family", "platform", "severity", "department", "region", "status")
    }
    axes["status"] = sorted(axes["status"], key=lambda kv: STATUS_ORDER.index(kv[0]) if kv[0] in STATUS_ORDER else 99)
    axes["severity"] = sorted(axes["severity"])

    trend = _trend(clues, sightings)
    if window is not None:
        is_new = {c["_id"]: c["first_seen"] >= window[0] for c in clues}
        new_rule = "新增：首次发现于本期内；重复：本期之前已发现、本期再次发现"
    else:
        is_new = {c["_id"]: len(sightings[c["_id"]]) <= 1 and c.get("seen_count", 1) <= 1 for c in clues}
        new_rule = "新增：仅在一次监测中发现；重复：在两次及以上监测中发现"
    for r in rows:
        r["new"] = is_new[r["id"]]
    new_count = sum(1 for v in is_new.values() if v)
    return Report(
        title="网络交易信息监测报告",
        scope=scope,
        generated=utcnow(),
        total=len(clues),
        axes=axes,
        trend=trend,
        top_shops=_top_shops(rows),
        new_count=new_count,
        repeated_count=len(clues) - new_count,
        new_rule=new_rule,
        shop_count=len({r["shop_key"] for r in rows}),
        clues=sorted(rows, key=lambda r: (r["severity"], r["family"], r["shop"])),
        caveats=completeness_caveats(store),
        extraction=_extraction(store, task_id, window),
        picture_clues=picture_clues,
    )


def completeness_caveats(store: Store) -> list[str]:
    """What the report cannot include yet, said where an officer reads it."""
    status, _ = store.pending_spool()
    caveats = []
    waiting = status.waiting(store.target())
    if waiting:
        caveats.append(
            f"本地缓冲区（spool）中尚有 {waiting} 批线索未写入数据库，本报告未包含；"
            "数据库恢复后的下一次采集会自动写入。"
        )
    if status.quarantined:
        caveats.append(f"本地缓冲区中有 {len(status.quarantined)} 项记录损坏或被改动，已隔离待查（spool/quarantine）。")
    return caveats


def _extraction(store: Store, task_id: str | None, window: tuple[datetime, datetime] | None) -> list[dict[str, Any]]:
    """Field-found shares of the crawl jobs in scope (stored by the crawl as `field_shares`)."""
    if task_id:
        query: dict[str, Any] = {"task_id": task_id}
    elif window is not None:
        query = {"started_at": {"$gte": window[0], "$lt": window[1]}}
    else:
        return []
    rows = []
    for job in store.db["crawl_jobs"].find(query, {"field_shares": 1, "started_at": 1}).sort("started_at", 1):
        alerts = {(a["platform"], a["page_kind"], a["field"]) for a in store.db["alerts"].find({"job_id": job["_id"]})}
        for platform, kinds in sorted((job.get("field_shares") or {}).items()):
            for kind, found in sorted(kinds.items()):
                fields = {k: v for k, v in found.items() if k != "pages"}
                rows.append({
                    "job_id": job["_id"], "started": job.get("started_at"), "platform": platform, "kind": kind,
                    "pages": found.get("pages", 0), "fields": fields,
                    "alerts": sorted(f for p, k, f in alerts if (p, k) == (platform, kind)),
                })  # fmt: skip
    return rows


def _seen_within(clue: dict[str, Any], window: tuple[datetime, datetime]) -> bool:
    refs = clue.get("evidence") or []
    if not refs:
        return clue["last_seen"] >= window[0] and clue["first_seen"] < window[1]
    return any(window[0] <= ref["captured_at"] < window[1] for ref in refs)


def _row(clue: dict[str, Any]) -> dict[str, Any]:
    rule, target, hit = clue["rule"], clue["target"], clue.get("hit") or {}
    return {
        "id": clue["_id"],
        "family": family_label(rule["family"]),
        "rule": f"{rule['id']} {rule['title']}",
        "severity": rule.get("severity") or "-",
        "department": department_of(rule),
        "platform": target["platform"],
        "region": region_label(target.get("region")),
        "shop": target.get("shop_name") or target.get("shop_id") or "-",
        "shop_key": (target["platform"], target.get("shop_id") or target.get("shop_name") or target["url"]),
        "uscc": target.get("uscc") or "",
        "url": target["url"],
        "term": hit.get("term") or "",
        "status": clue.get("status", "new"),
        "first_seen": clue["first_seen"],
        "last_seen": clue["last_seen"],
        "seen_count": clue.get("seen_count", 1),
    }


def _trend(clues: list[dict[str, Any]], sightings: dict[str, dict[str, datetime]]) -> list[Run]:
    runs: dict[str, Run] = {}
    first_run: dict[str, str] = {}
    for clue in clues:
        seen = sightings[clue["_id"]]
        for job, at in seen.items():
            run = runs.setdefault(job, Run(job, at))
            run.started = min(run.started, at)
            run.sighted += 1
        if seen:
            first_run[clue["_id"]] = min(seen, key=lambda j: seen[j])
    for clue in clues:
        job = first_run.get(clue["_id"])
        if job and clue["first_seen"] >= sightings[clue["_id"]][job] - FIRST_SIGHTING_SLACK:
            runs[job].new += 1
    ordered = sorted(runs.values(), key=lambda r: r.started)
    return ordered[-TREND_RUNS:]


def _top_shops(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_shop: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_shop[r["shop_key"]].append(r)
    shops = [
        {
            "platform": key[0],
            "shop": group[0]["shop"],
            "uscc": next((r["uscc"] for r in group if r["uscc"]), ""),
            "region": group[0]["region"],
            "clues": len(group),
            "families": len({r["family"] for r in group}),
            "worst": min(r["severity"] for r in group),
        }
        for key, group in by_shop.items()
    ]
    shops.sort(key=lambda s: (-s["clues"], s["worst"], s["shop"]))
    return shops[:TOP_SHOPS]
