"""A time budget for scanning one document.

Packs refuse catastrophic regex shapes when they load (rules/regex_safety.py), yet a huge
page still costs time in proportion to its size times the rules that look at it. The
engine calls `check()` between rules and between regex runs; once the budget set by
`time_budget()` is spent it raises DetectionTimeout, which carries the hits found so far.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from rules.hit import Hit

#: (monotonic deadline, budget in seconds) of the scan running in this context
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("wangjian_detect_deadline", default=None)


class DetectionTimeout(Exception):
    """The document's scan ran past its budget; `hits` are those found before."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"detection timed out after {seconds:g} s")
        self.seconds = seconds
        self.hits: list[Hit] = []


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Scans inside the block (in this thread or task) stop after `seconds` (None: no limit)."""
    token = _deadline.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def active() -> bool:
    """Whether a budget is set in this context: a scan may skip its `check` calls without one
    (the budget of a scan is set before it starts)."""
    return _deadline.get() is not None


def check() -> None:
    budget = _deadline.get()
    if budget is not None and time.monotonic() > budget[0]:
        raise DetectionTimeout(budget[1])
