"""Counts of stored clues for summaries (demo output, job results)."""

from __future__ import annotations

from typing import Any

from store.database import Store

SUMMARY_AXES = {"family": "$rule.family", "platform": "$target.platform", "severity": "$rule.severity"}


def clue_counts(store: Store, match: dict[str, Any] | None = None) -> dict[str, dict[str, int]]:
    """{axis: {value: count}} over the clues selected by `match`, for each SUMMARY_AXES axis."""
    counts: dict[str, dict[str, int]] = {}
    for axis, path in SUMMARY_AXES.items():
        pipeline: list[dict[str, Any]] = [{"$match": match or {}}, {"$group": {"_id": path, "n": {"$sum": 1}}}]
        rows = store.clues.aggregate(pipeline)
        counts[axis] = dict(sorted(((row["_id"] or "-"), row["n"]) for row in rows))
    return counts
