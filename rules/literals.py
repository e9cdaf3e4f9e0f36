"""Literals a regex cannot match without: the gate that lets most regexes never run.

`required_literals(pattern)` returns strings of which every match of `pattern` contains at
least one, or None when no such set is known. The engine puts them in its one keyword
automaton, which already passes over every field, and runs the regex only on fields where
one of them occurred. The answer must be sound (never a set a match could avoid), so any
construct not understood gives None.
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

#: Shorter literals occur nearly everywhere and would only add automaton matches.
MIN_LENGTH = 2

Req = frozenset[str] | None

#: Most strings an exact set (see `_exact`) may hold: a product of alternations grows fast.
MAX_EXACT = 64


def _score(req: Req) -> tuple[int, int]:
    if not req:
        return (-1, 0)
    return (min(len(s) for s in req), -len(req))


def _exact(op: Any, av: Any) -> frozenset[str] | None:
    """The strings an item matches, when they are few and known: a literal, a class of
    literal characters, or a group or alternation of sequences of such items."""
    if op is c.LITERAL:
        return frozenset([chr(av)])
    if op is c.IN:
        if len(av) <= MAX_EXACT and all(o is c.LITERAL for o, _ in av):
            return frozenset(chr(a) for _, a in av)
        return None
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & (re.IGNORECASE | re.LOCALE) else _exact_sequence(sub)
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            strings = _exact_sequence(branch)
            if strings is None:
                return None
            out |= strings
        return frozenset(out) if len(out) <= MAX_EXACT else None
    return None


def _exact_sequence(items: Any) -> frozenset[str] | None:
    out = frozenset([""])
    for op, av in items:
        strings = _exact(op, av)
        if strings is None:
            return None
        out = frozenset(a + b for a in out for b in strings)
        if len(out) > MAX_EXACT:
            return None
    return out


def _sequence(items: Any) -> Req:
    """Best required set of a sequence: a run of items with exact sets (every match holds
    one string of their product: "(限时|特价)(时间|日期)" needs one of four words, each
    longer than any word of the parts) or a part's own set."""
    candidates: list[Req] = []
    run = frozenset([""])
    for op, av in items:
        strings = _exact(op, av)
        if strings is not None:
            product = frozenset(a + b for a in run for b in strings)
            if len(product) <= MAX_EXACT:
                run = product
                continue
        if run != {""}:
            candidates.append(run)
        run = frozenset([""])
        if strings is not None:
            run = strings  # the product grew too large: a new run starts here
            continue
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero width: the run on either side stays required, split
        candidates.append(_item(op, av))
    if run != {""}:
        candidates.append(run)
    return max(candidates, key=_score, default=None)


def _item(op: Any, av: Any) -> Req:
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & (re.IGNORECASE | re.LOCALE):
            return None
        return _sequence(sub)
    if op is c.BRANCH:
        parts = [_sequence(b) for b in av[1]]
        if any(not p for p in parts):
            return None
        return frozenset().union(*parts)  # type: ignore[arg-type]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        low, _high, sub = av
        return _sequence(sub) if low >= 1 else None
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sequence(av)
    return None


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings (each at least MIN_LENGTH long) one of which every match contains, or None."""
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
        return None
    req = _sequence(parsed)
    if not req or min(len(s) for s in req) < MIN_LENGTH:
        return None
    return req
