"""Literals a regex cannot match without: the gate that lets most regexes never run.

`required_literals(pattern)` returns strings of which every match of `pattern` contains at
least one, or None when no such set is known. The engine puts them in its one keyword
automaton, which already passes over every field, and runs the regex only on fields where
one of them occurred. The answer must be sound (never a set a match could avoid), so any
construct not understood gives None.

`scouted(pattern)` compiles a pattern that `re` cannot start fast but whose every match
begins with one of a few literals into a `Scouted` search, which looks for those first.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
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
    return _group_or_branch(op, av, _exact_sequence)


def _group_or_branch(op: Any, av: Any, strings_of: Callable[[Any], frozenset[str] | None]) -> frozenset[str] | None:
    """For a group, `strings_of` its sequence; for an alternation, the union of `strings_of`
    each branch (None when one is None, or past MAX_EXACT strings); otherwise None."""
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & (re.IGNORECASE | re.LOCALE) else strings_of(sub)
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            strings = strings_of(branch)
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
    inner = _always_once(op, av)
    return None if inner is None else _sequence(inner)


def _always_once(op: Any, av: Any) -> Any:
    """The sequence inside a repeat of at least one or an atomic group (every match of the
    item holds one match of it), or None."""
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        low, _high, sub = av
        return sub if low >= 1 else None
    if op is getattr(c, "ATOMIC_GROUP", None):
        return av
    return None


#: Parse trees of the patterns seen (`required_literals` and `scouted` read each pack regex).
_parse = functools.lru_cache(maxsize=1024)(_parser.parse)


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings (each at least MIN_LENGTH long) one of which every match contains, or None."""
    try:
        parsed = _parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE):
        return None
    req = _sequence(parsed)
    if not req or min(len(s) for s in req) < MIN_LENGTH:
        return None
    return req


# -- scouted search: find a pattern's first literals, then match there ------------------------
#
# `re` starts a search fast when a pattern opens with a literal or a class: it skips to the
# characters that can begin a match. A pattern that opens with a lookbehind ("(?<=全网)最"),
# or with an alternation whose branches open with groups or lookarounds, has no such start,
# and `re` runs the whole pattern at every position of the text (tens of microseconds on a
# listing's description). When every match of such a pattern begins with one of a few
# literals, searching for those literals (an alternation `re` starts fast) and matching the
# pattern only where one begins finds the same matches.


def _zero_width(op: Any, av: Any) -> bool:
    """Whether an item never consumes text (lookarounds, anchors, groups of them)."""
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return True
    if op is c.SUBPATTERN:
        return bool(av[3].data) and all(_zero_width(o, a) for o, a in av[3])
    if op is c.BRANCH:
        return all(b.data and all(_zero_width(o, a) for o, a in b) for b in av[1])
    return False


def _consuming(items: Any) -> int:
    """Index of the first item of a sequence that consumes text (its length if none does)."""
    i = 0
    while i < len(items) and _zero_width(*items[i]):
        i += 1
    return i


def _starts(items: Any) -> frozenset[str] | None:
    """Non-empty strings one of which begins every match of a sequence, or None."""
    items = list(items)
    i = _consuming(items)
    if i == len(items):
        return None
    op, av = items[i]
    first = _exact(op, av)
    if first is not None:
        if "" in first:
            return None
        for following in items[i + 1 :]:  # a longer prefix makes a sharper search
            strings = _exact(*following)
            if strings is None or "" in strings:
                break
            product = frozenset(a + b for a in first for b in strings)
            if len(product) > MAX_EXACT:
                break
            first = product
        return first
    if op is c.SUBPATTERN or op is c.BRANCH:
        return _group_or_branch(op, av, _starts)
    inner = _always_once(op, av)
    return None if inner is None else _starts(inner)


#: In a set of first characters (`_first_chars`): any decimal digit.
_DIGIT = "\\d"


def _first_chars(items: Any) -> frozenset[str] | None:
    """The characters one of which begins every match of a sequence (`_DIGIT` for the
    digits), at most MAX_EXACT of them, or None."""
    items = list(items)
    i = _consuming(items)
    if i == len(items):
        return None
    op, av = items[i]
    if op is c.LITERAL:
        return frozenset([chr(av)])
    if op is c.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is c.LITERAL:
                chars.add(chr(a))
            elif o is c.RANGE and a[1] - a[0] < MAX_EXACT:
                chars.update(map(chr, range(a[0], a[1] + 1)))
            elif o is c.CATEGORY and a is c.CATEGORY_DIGIT:
                chars.add(_DIGIT)
            else:
                return None  # a negated class, a wide range, letters or spaces: too common
        return frozenset(chars) if len(chars) <= MAX_EXACT else None
    if op is c.SUBPATTERN or op is c.BRANCH:
        return _group_or_branch(op, av, _first_chars)
    inner = _always_once(op, av)
    return None if inner is None else _first_chars(inner)


def _at_beginning(parsed: Any) -> bool:
    return bool(parsed.data) and parsed.data[0] in ((c.AT, c.AT_BEGINNING), (c.AT, c.AT_BEGINNING_STRING))


def _fast_start(parsed: Any) -> bool:
    """Whether `re` starts a search of the parsed pattern fast: what re._compiler looks for
    (a literal prefix, or a set of first characters) is there, read from the parse tree."""
    items = parsed
    while True:
        if not items.data:
            return False
        op, av = items.data[0]
        if op is not c.SUBPATTERN:
            break
        items = av[3]
    if op is c.LITERAL or op is c.IN:
        return True
    return op is c.BRANCH and all(b.data and b.data[0][0] is c.LITERAL for b in av[1])


class Scouted:
    """A compiled pattern searched by a scout first, a pattern `re` starts fast that matches
    where every match of it begins (its start literals, or its first characters): `search`
    and `finditer` give the matches `re.Pattern`'s would (each found by `match` where the
    scout matched, so lookbehinds still see the text before it)."""

    __slots__ = ("regex", "pattern", "scout", "_scout", "_match")

    def __init__(self, regex: re.Pattern[str], scout: str) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        self.scout = scout
        self._scout = re.compile(scout).search
        self._match = regex.match

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        scout, match = self._scout, self._match
        while True:
            found = scout(text, pos, endpos)
            if found is None:
                return None
            at = found.start()
            m = match(text, at, endpos)
            if m is not None:
                return m
            pos = at + 1

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        # every match holds at least the character the scout found, so the next search
        # starts at its end
        while (m := self.search(text, pos, endpos)) is not None:
            yield m
            pos = m.end()


#: What `scouted` gives: a compiled pattern, or its scouted search.
Regex = re.Pattern[str] | Scouted


def scouted(pattern: str) -> re.Pattern[str] | Scouted:
    """`pattern` compiled, as a `Scouted` when `re` has no fast start for it and every match
    begins with one of a few known literals, or failing that with one of a few characters."""
    regex = re.compile(pattern)
    try:
        parsed = _parse(pattern)
    except re.error:
        return regex
    if parsed.state.flags & (re.IGNORECASE | re.LOCALE) or _at_beginning(parsed):
        return regex  # `re` tries a pattern anchored at the beginning there only
    if _fast_start(parsed):
        return regex
    starts = _starts(parsed)
    if starts:
        return Scouted(regex, "|".join(re.escape(s) for s in sorted(starts, key=lambda s: (-len(s), s))))
    chars = _first_chars(parsed)
    if chars:
        return Scouted(regex, "[" + "".join(ch if ch == _DIGIT else re.escape(ch) for ch in sorted(chars)) + "]")
    return regex
