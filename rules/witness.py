"""Sample texts that a regex finds a match in: lint shows one to a rule author when a branch of a
pattern can match where none of the rule's anchors occurs (the pattern never runs there).

`samples(pattern)` walks the regex's parse tree with seeded random choices (a branch, a
character of a class, a repeat count) and keeps the texts the compiled regex really finds a
match in, so a lookaround or a negated class the walk got wrong only costs a sample. The walk
writes a positive lookaround's text in place, which is where a lookbehind's text stands.
"""

from __future__ import annotations

import random
import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

#: Characters tried for a negated class or `.`: Chinese text, a Latin letter, a digit.
_ANY = "品的了a1"
_CATEGORY = {
    c.CATEGORY_DIGIT: "0123456789",
    c.CATEGORY_SPACE: " ",
    c.CATEGORY_WORD: "品a1",
    c.CATEGORY_NOT_DIGIT: "品a",
    c.CATEGORY_NOT_SPACE: "品a1",
    c.CATEGORY_NOT_WORD: " ",
}


class _Unsupported(Exception):
    """A construct the walk cannot write (a back reference, a conditional group)."""


def samples(pattern: str, count: int = 100, seed: int = 0) -> list[str]:
    """Up to `count` distinct texts `pattern` finds a match in (fewer when it matches few)."""
    try:
        parsed = _parser.parse(pattern)
        regex = re.compile(pattern)
    except re.error:
        return []
    rng = random.Random(seed)
    found: dict[str, None] = {}
    for _ in range(count * 3):
        try:
            text = "".join(_sequence(parsed, rng))
        except _Unsupported:
            break
        if text not in found and regex.search(text):
            found[text] = None
            if len(found) >= count:
                break
    return list(found)


def _sequence(items: Any, rng: random.Random) -> list[str]:
    out: list[str] = []
    for op, av in items:
        out += _item(op, av, rng)
    return out


def _item(op: Any, av: Any, rng: random.Random) -> list[str]:
    if op is c.LITERAL:
        return [chr(av)]
    if op is c.NOT_LITERAL:
        return [next(ch for ch in _ANY if ord(ch) != av)]
    if op is c.ANY:
        return [rng.choice(_ANY)]
    if op is c.IN:
        return [_in_class(av, rng)]
    if op is c.BRANCH:
        return _sequence(rng.choice(av[1]), rng)
    if op is c.SUBPATTERN:
        return _sequence(av[3], rng)
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sequence(av, rng)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        low, high, sub = av
        times = low + rng.choice((0, 0, 1, 2))
        times = min(times, high) if high != c.MAXREPEAT else times
        out: list[str] = []
        for _ in range(times):
            out += _sequence(sub, rng)
        return out
    if op is c.ASSERT:
        return _sequence(av[1], rng)
    if op in (c.ASSERT_NOT, c.AT):
        return []
    raise _Unsupported(op)


def _in_class(items: Any, rng: random.Random) -> str:
    """One character of a class `[...]`."""
    if items and items[0][0] is c.NEGATE:
        rest = items[1:]
        allowed = [ch for ch in _ANY if not _in_items(ch, rest)]
        if not allowed:
            raise _Unsupported(c.NEGATE)
        return rng.choice(allowed)
    op, av = rng.choice(items)
    if op is c.LITERAL:
        return chr(av)
    if op is c.RANGE:
        return chr(rng.randint(av[0], min(av[1], av[0] + 50)))
    if op is c.CATEGORY and av in _CATEGORY:
        return rng.choice(_CATEGORY[av])
    raise _Unsupported(op)


def _in_items(ch: str, items: Any) -> bool:
    code = ord(ch)
    for op, av in items:
        if op is c.LITERAL and av == code:
            return True
        if op is c.RANGE and av[0] <= code <= av[1]:
            return True
        if op is c.CATEGORY and av in _CATEGORY and ch in _CATEGORY[av]:
            return True
    return False
