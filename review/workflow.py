"""Clue workflow (DB5109/T15 8.6–8.7; docs/architecture.md, "Review workflow").

new (待研判) → confirmed (构成违法) → transferred (已移交属地, Annex D) → closed (结果归档);
new → dismissed (不构成违法, 归档); new → review (复核, when judgments disagree) → confirmed |
dismissed. Each change appends {at, from, to, by, note} to `history` in the same atomic
update that sets `status`, conditional on the status read, so of two officers acting on
the same clue at once exactly one wins and the other gets a conflict. Entries are only
ever pushed, never edited or removed.
"""

from __future__ import annotations

from datetime import datetime

from pymongo import ReturnDocument

from store.database import Store
from store.models import ClueStatus, HistoryEntry, utcnow

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"review", "confirmed", "dismissed"}),
    "review": frozenset({"confirmed", "dismissed"}),
    "confirmed": frozenset({"transferred"}),
    "transferred": frozenset({"closed"}),
    "dismissed": frozenset(),
    "closed": frozenset(),
}

STATUS_LABELS: dict[str, str] = {
    "new": "待研判",
    "review": "复核",
    "confirmed": "研判构成违法",
    "dismissed": "不构成违法(归档)",
    "transferred": "已移交属地",
    "closed": "结果归档",
}


class WorkflowError(Exception):
    """A transition the workflow does not allow, or an unknown clue."""


class TransitionConflict(WorkflowError):
    """The clue's status changed between reading and writing (someone else acted first)."""


def allowed(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, frozenset())


def set_status(
    store: Store,
    clue_id: str,
    to: ClueStatus,
    by: str,
    note: str | None = None,
    at: datetime | None = None,
    expected: str | None = None,
) -> HistoryEntry:
    """Move one clue to `to`, appending the history entry atomically; return the entry.

    `expected` is the status the officer was looking at when deciding: if the clue has
    moved on since, the change is refused as a conflict rather than applied to a state
    nobody judged."""
    if to not in TRANSITIONS:
        raise WorkflowError(f"unknown status {to!r}; one of {', '.join(TRANSITIONS)}")
    if not by.strip():
        raise WorkflowError("the officer making the change (--by) is required")
    doc = store.clues.find_one({"_id": clue_id}, {"status": 1})
    if doc is None:
        raise WorkflowError(f"no clue {clue_id!r}")
    stored = doc.get("status")
    current = stored or "new"
    if expected is not None and expected != current:
        raise TransitionConflict(f"clue {clue_id[:12]} is now {current!r}, not {expected!r}; reload and judge again")
    if not allowed(current, to):
        nexts = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none (final state)"
        raise WorkflowError(f"clue {clue_id[:12]} is {current!r}; cannot go to {to!r} (allowed: {nexts})")
    entry = HistoryEntry.model_validate(
        {"at": at or utcnow(), "from": current, "to": to, "by": by.strip(), "note": note or None}
    )
    updated = store.clues.find_one_and_update(
        {"_id": clue_id, "status": stored},
        {"$set": {"status": to}, "$push": {"history": entry.model_dump(by_alias=True)}},
        projection={"_id": 1},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise TransitionConflict(f"clue {clue_id[:12]} changed status while this change was made; reload and retry")
    return entry


def history(store: Store, clue_id: str) -> list[HistoryEntry]:
    doc = store.clues.find_one({"_id": clue_id}, {"history": 1})
    if doc is None:
        raise WorkflowError(f"no clue {clue_id!r}")
    return [HistoryEntry.model_validate(h) for h in doc.get("history") or []]


def resolve_id(store: Store, text: str) -> str:
    """A full clue id from itself or a unique prefix of at least 8 hex digits."""
    text = text.strip().lower()
    if store.clues.count_documents({"_id": text}, limit=1):
        return text
    if len(text) < 8 or not all(c in "0123456789abcdef" for c in text):
        raise WorkflowError(f"no clue {text!r}")
    ids = [d["_id"] for d in store.clues.find({"_id": {"$regex": f"^{text}"}}, {"_id": 1}).limit(2)]
    if len(ids) != 1:
        raise WorkflowError(f"no clue {text!r}" if not ids else f"clue id prefix {text!r} is ambiguous")
    return ids[0]
