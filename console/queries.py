"""What the console reads from the clue and job collections: the review queue's filter,
the dashboard's counts and series, and per-rule hit and dismissal counts."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from crawler.jobs import COUNTS, counts_of, job_stats
from reports.summary import clue_counts
from store.clue_query import ClueFilter
from store.database import Store
from store.models import utcnow

OPEN_STATUSES = ("new", "review")
HANDLED_STATUSES = ("confirmed", "dismissed", "transferred", "closed")
SEVERITIES = ("S1", "S2", "S3", "S4")


@dataclass
class QueueFilter:
    """The review queue's filter: the clue commands' filter plus region and pack version."""

    family: str | None = None
    platform: str | None = None
    severity: str | None = None
    status: str | None = None
    region: str | None = None  # a region code prefix (省 2 digits, 市 4, 县 6) or a province name
    pack_version: str | None = None  # "pack@version" or a bare version
    task: str | None = None
    rule: str | None = None

    @classmethod
    def from_params(cls, params: Any) -> QueueFilter:
        return cls(**{f.name: (params.get(f.name) or "").strip() or None for f in fields(cls)})

    def query(self) -> dict[str, Any]:
        query = ClueFilter(
            task=self.task, family=self.family, platform=self.platform, severity=self.severity, status=self.status
        ).query()
        if self.rule:
            query["rule.id"] = self.rule
        if self.region:
            if self.region.isdigit():
                query["target.region.code"] = {"$regex": f"^{self.region}"}
            else:
                query["target.region.province"] = self.region
        if self.pack_version:
            pack, sep, version = self.pack_version.rpartition("@")
            if sep and pack:
                query["rule.pack"] = pack
            query["rule.pack_version"] = version
        return query

    def params(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def facets(store: Store) -> dict[str, list[str]]:
    """Values the queue's filter menus offer."""
    return {
        "family": sorted(v for v in store.clues.distinct("rule.family") if v),
        "platform": sorted(v for v in store.clues.distinct("target.platform") if v),
        "region": sorted(v for v in store.clues.distinct("target.region.province") if v),
        "pack_version": sorted(
            f"{row['_id']['pack']}@{row['_id']['version']}"
            for row in store.clues.aggregate(
                [{"$group": {"_id": {"pack": "$rule.pack", "version": "$rule.pack_version"}}}]
            )
            if row["_id"].get("pack")
        ),
    }


def _grouped(store: Store, path: str, match: dict[str, Any] | None = None) -> dict[str, int]:
    rows = store.clues.aggregate([{"$match": match or {}}, {"$group": {"_id": path, "n": {"$sum": 1}}}])
    return {str(row["_id"] or "-"): row["n"] for row in rows}


def dashboard(store: Store, days: int = 30, now: datetime | None = None) -> dict[str, Any]:
    """Counts by family, platform, severity, region and status; clues first seen per day
    and family over the last `days` days (Beijing dates)."""
    now = now or utcnow()
    counts = clue_counts(store)
    counts["region"] = _grouped(store, "$target.region.province")
    statuses = _grouped(store, "$status")
    since = now - timedelta(days=days)
    rows = store.clues.aggregate(
        [
            {"$match": {"first_seen": {"$gte": since}}},
            {
                "$group": {
                    "_id": {
                        "day": {"$dateToString": {"format": "%Y-%m-%d", "date": "$first_seen", "timezone": "+08:00"}},
                        "family": "$rule.family",
                    },
                    "n": {"$sum": 1},
                }
            },
        ]  # fmt: skip
    )
    per_day: dict[str, dict[str, int]] = {}
    for row in rows:
        per_day.setdefault(row["_id"]["family"] or "-", {})[row["_id"]["day"]] = row["n"]
    day_labels = [(since + timedelta(days=i, hours=8)).strftime("%Y-%m-%d") for i in range(1, days + 1)]
    return {
        "counts": counts,
        "statuses": statuses,
        "open": sum(statuses.get(s, 0) for s in OPEN_STATUSES),
        "handled": sum(statuses.get(s, 0) for s in HANDLED_STATUSES),
        "total": sum(statuses.values()),
        "days": day_labels,
        "series": {family: [by_day.get(d, 0) for d in day_labels] for family, by_day in sorted(per_day.items())},
    }


def job_health(job: dict[str, Any]) -> dict[str, Any]:
    """Headline counts of a job (live from its parts while it runs) and its problem counters:
    malformed pages, failed renders or fetches, per-field extraction coverage when recorded."""
    parts = list((job.get("parts") or {}).values())
    stats = job_stats(job)
    counts = dict(job["counts"]) if job.get("counts") and job.get("status") != "running" else counts_of(stats)
    problems = {
        key.removeprefix("wangjian/"): value
        for key, value in stats.items()
        if key.startswith(("wangjian/malformed/", "wangjian/store/errors")) or key.endswith("_failed")
    }
    coverage = {}  # "product/title": share of the crawl's product items that had a title
    for key, value in sorted(stats.items()):
        if key.startswith("wangjian/fields/"):
            name = key.removeprefix("wangjian/fields/")
            items = stats.get(f"wangjian/items/{name.split('/')[0]}") or 0
            coverage[name] = value / items if items else None
    return {**{name: counts.get(name, 0) for name in COUNTS}, "problems": problems, "coverage": coverage,
            "parts": len(parts), "errors_list": job.get("errors") or []}  # fmt: skip


def rule_stats(store: Store) -> dict[str, dict[str, int]]:
    """Per rule id: clues, and how many were dismissed / judged (confirmed or further)."""
    rows = store.clues.aggregate(
        [{"$group": {
            "_id": "$rule.id",
            "clues": {"$sum": 1},
            "dismissed": {"$sum": {"$cond": [{"$eq": ["$status", "dismissed"]}, 1, 0]}},
            "confirmed": {"$sum": {"$cond": [{"$in": ["$status", ["confirmed", "transferred", "closed"]]}, 1, 0]}},
            "sightings": {"$sum": "$seen_count"},
        }}]
    )  # fmt: skip
    return {row["_id"]: {k: int(row[k] or 0) for k in ("clues", "dismissed", "confirmed", "sightings")} for row in rows}


def dismiss_rate(stat: dict[str, int]) -> float | None:
    judged = stat.get("dismissed", 0) + stat.get("confirmed", 0)
    return stat["dismissed"] / judged if judged else None
