"""Select clues the way downstream systems and officers ask for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from store.models import ClueStatus

STATUSES: tuple[str, ...] = ClueStatus.__args__  # type: ignore[attr-defined]
_RELATIVE = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_time(text: str, now: datetime | None = None) -> datetime:
    """ISO 8601 date or date-time (UTC when no offset is given), or a span back from now
    such as 30m, 12h, 7d, 2w. Raises ValueError otherwise."""
    text = text.strip()
    if match := _RELATIVE.match(text):
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date, date-time or span like 7d: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class ClueFilter:
    task: str | None = None
    job: str | None = None
    family: str | None = None
    platform: str | None = None
    severity: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def query(self) -> dict[str, Any]:
        if self.status and self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r} (one of {', '.join(STATUSES)})")
        if self.since and self.until and self.since > self.until:
            raise ValueError("--since is after --until")
        query: dict[str, Any] = {}
        for path, value in (
            ("task_id", self.task), ("job_id", self.job), ("rule.family", self.family),
            ("target.platform", self.platform), ("rule.severity", self.severity), ("status", self.status),
        ):  # fmt: skip
            if value:
                query[path] = value
        seen: dict[str, datetime] = {}
        if self.since:
            seen["$gte"] = self.since
        if self.until:
            seen["$lt"] = self.until
        if seen:
            query["last_seen"] = seen
        return query
