"""Reading clues in insertion order, resumable from the last one seen.

Every clue gets `seq` when it is first stored (store.database.ClueWrite): a hex ObjectId,
so it never changes and grows with insertion time. A reader resumes with `seq > cursor`.
Writers make the key just before sending their write, so for a short while a clue with a
smaller key may still be on its way while a larger one is already visible; the feed
therefore serves only clues whose key is older than `settle` seconds. A reader paging
while crawls write thus sees every clue exactly once, at most `settle` seconds late."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId

from store.database import Store
from store.models import utcnow

DEFAULT_SETTLE_SECONDS = 10.0
CURSOR_RE = re.compile(r"^[0-9a-f]{24}$")


class CursorError(ValueError):
    """A cursor that is not one this feed hands out."""


def settle_bound(settle: float, now: datetime | None = None) -> str:
    """The smallest key a writer may still be making now: keys below it are settled."""
    return str(ObjectId.from_datetime((now or utcnow()) - timedelta(seconds=settle)))


def clues_after(
    store: Store,
    after: str | None,
    limit: int,
    query: dict[str, Any] | None = None,
    settle: float = DEFAULT_SETTLE_SECONDS,
    projection: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to `limit` clues matching `query` with keys after `after`, oldest first, and the
    cursor to resume from (the last key returned, or `after` when nothing new is settled)."""
    if after is not None and not CURSOR_RE.match(after):
        raise CursorError("cursor: 24 hex digits, as returned in next_cursor")
    key: dict[str, Any] = {"$lt": settle_bound(settle)}
    if after is not None:
        key["$gt"] = after
    found = list(store.clues.find({**(query or {}), "seq": key}, projection).sort("seq", 1).limit(limit))
    return found, (found[-1]["seq"] if found else after)
