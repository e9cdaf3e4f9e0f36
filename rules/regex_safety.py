"""Regex shapes whose matching time explodes on a hostile page, found before a pack loads.

Packs use Python's backtracking `re` (lookbehinds such as `(?<!非)处方药` have no linear-time
equivalent), so a pattern is judged by its shape instead:

- **nested quantifier**: a repeated group holding an unbounded repeat, `(a+)+$`, `(.*a){20}`:
  the ways to split a failing input grow exponentially (or as length ** count);
- **ambiguous alternation**: an unbounded repeat of alternatives that can match the same text,
  `(a|a)*`, `(\\d|[0-9a-f])+`;
- **leading unbounded wildcard**: an unanchored pattern that starts with `.*` (or `[^x]*`,
  also inside a leading lookahead), `(?=.*地址)…`: every start position rescans the rest of
  the text, quadratic in its length.

Possessive repeats (`a++`) and atomic groups (`(?>…)`) never backtrack and are accepted, as
is an anchored pattern (`\\A(?=.*地址)…`), which is tried at one position only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_BACKTRACKING_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT)
_UNBOUNDED = c.MAXREPEAT
#: Characters that decide whether two character classes can match the same character.
_PROBE_BASE = (
    [chr(i) for i in range(32, 127)]
    + list("\t\n\r 　０１９ａｚＡＺ：，。！？（）【】＝＋－＠")
    + list("的一是了我不人在有这中大为上个国和地到以说时要就出会可也你对生能而子那得于着下自之")
)
_CATEGORY = {
    c.CATEGORY_DIGIT: re.compile(r"\d"),
    c.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    c.CATEGORY_SPACE: re.compile(r"\s"),
    c.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    c.CATEGORY_WORD: re.compile(r"\w"),
    c.CATEGORY_NOT_WORD: re.compile(r"\W"),
}


class UnsafeRegex(ValueError):
    """A pattern whose shape makes its matching time explode; the message says which shape."""


def check_pattern(pattern: str) -> None:
    """Raise UnsafeRegex (or re.error) when `pattern` has a catastrophic shape."""
    parsed = _parser.parse(pattern)
    probe = sorted(set(_PROBE_BASE) | {chr(av) for op, av in _walk(parsed) if op in (c.LITERAL, c.NOT_LITERAL)})
    problem = _nested(parsed) or _ambiguous(parsed, probe) or _leading_wildcard(parsed, probe)
    if problem:
        raise UnsafeRegex(f"{problem} (catastrophic backtracking on long pages)")


def is_safe(pattern: str) -> bool:
    try:
        check_pattern(pattern)
    except (UnsafeRegex, re.error):
        return False
    return True


# -- walking the parsed pattern ---------------------------------------------------------


def _children(op: Any, av: Any) -> list[Any]:
    """Sub-sequences of one parsed item."""
    if op is c.SUBPATTERN:
        return [av[3]]
    if op is c.BRANCH:
        return list(av[1])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        return [av[2]]
    if op in (c.ASSERT, c.ASSERT_NOT):
        return [av[1]]
    if op is c.ATOMIC_GROUP:
        return [av]
    if op is c.GROUPREF_EXISTS:
        return [s for s in av[1:] if s is not None]
    return []


def _walk(seq: Iterable[Any]) -> Iterable[tuple[Any, Any]]:
    for op, av in seq:
        yield op, av
        for sub in _children(op, av):
            yield from _walk(sub)


def _walk_backtracking(seq: Iterable[Any]) -> Iterable[tuple[Any, Any]]:
    """Like _walk, but not into possessive repeats or atomic groups (they never backtrack)."""
    for op, av in seq:
        if op in (c.POSSESSIVE_REPEAT, c.ATOMIC_GROUP):
            continue
        yield op, av
        for sub in _children(op, av):
            yield from _walk_backtracking(sub)


# -- the shapes ---------------------------------------------------------------------------


def _nested(parsed: Any) -> str | None:
    for op, av in _walk_backtracking(parsed):
        if op in _BACKTRACKING_REPEATS and av[1] > 1:
            for inner_op, inner_av in _walk_backtracking(av[2]):
                if inner_op in _BACKTRACKING_REPEATS and inner_av[1] is _UNBOUNDED:
                    return "nested quantifier: a repeated group holds an unbounded repeat"
    return None


def _ambiguous(parsed: Any, probe: list[str]) -> str | None:
    for op, av in _walk_backtracking(parsed):
        if op not in _BACKTRACKING_REPEATS or av[1] is not _UNBOUNDED:
            continue
        for inner_op, inner_av in _walk_backtracking(av[2]):
            if inner_op is c.BRANCH and _overlapping(inner_av[1], probe):
                return "ambiguous alternation: a repeated choice has alternatives that match the same text"
    return None


def _overlapping(branches: list[Any], probe: list[str]) -> bool:
    literals = [_literal(b) for b in branches]
    firsts = [_first(b, probe) for b in branches]
    for i in range(len(branches)):
        for j in range(i + 1, len(branches)):
            if literals[i] is not None and literals[j] is not None:
                if literals[i] == literals[j]:
                    return True
            elif firsts[i] is None or firsts[j] is None or firsts[i] & firsts[j]:
                return True
    return False


def _literal(seq: Any) -> str | None:
    """The fixed string a sequence matches, or None."""
    out = []
    for op, av in seq:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op is c.SUBPATTERN and (lit := _literal(av[3])) is not None:
            out.append(lit)
        else:
            return None
    return "".join(out)


def _first(seq: Any, probe: list[str]) -> frozenset[str] | None:
    """Probe characters a match of `seq` can start with; None when it may match empty."""
    out: set[str] = set()
    for op, av in seq:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        if op is c.SUBPATTERN:
            sub = _first(av[3], probe)
            if sub is None:
                return None
            return frozenset(out | sub)
        if op is c.BRANCH:
            parts = [_first(b, probe) for b in av[1]]
            if any(p is None for p in parts):
                return None
            return frozenset(out.union(*parts))  # type: ignore[arg-type]
        if op in (*_BACKTRACKING_REPEATS, c.POSSESSIVE_REPEAT):
            sub = _first(av[2], probe)
            if sub is None:
                return None
            out |= sub
            if av[0] == 0:
                continue  # optional: what follows may start the match too
            return frozenset(out)
        chars = _class(op, av, probe)
        if chars is None:
            return None
        return frozenset(out | chars)
    return None


def _class(op: Any, av: Any, probe: list[str]) -> frozenset[str] | None:
    """Probe characters one single-character item matches; None for anything else."""
    if op is c.LITERAL:
        return frozenset([chr(av)])
    if op is c.NOT_LITERAL:
        return frozenset(ch for ch in probe if ord(ch) != av)
    if op is c.ANY:
        return frozenset(probe)
    if op is c.CATEGORY:
        return frozenset(ch for ch in probe if _CATEGORY[av].match(ch))
    if op is c.IN:
        negate = any(item_op is c.NEGATE for item_op, _ in av)
        inside = frozenset(ch for ch in probe if any(_in_item(item_op, item_av, ch) for item_op, item_av in av))
        return frozenset(probe) - inside if negate else inside
    return None


def _in_item(op: Any, av: Any, ch: str) -> bool:
    if op is c.LITERAL:
        return ord(ch) == av
    if op is c.RANGE:
        return av[0] <= ord(ch) <= av[1]
    if op is c.CATEGORY:
        return bool(_CATEGORY[av].match(ch))
    return False


def _leading_wildcard(parsed: Any, probe: list[str]) -> str | None:
    broad = len(probe) // 2
    items = list(parsed)
    if items and items[0][0] is c.AT and items[0][1] in (c.AT_BEGINNING_STRING, c.AT_BEGINNING):
        return None  # tried at the start only (MULTILINE ^ at each line start, still linear)
    for op, av in _leading(items):
        if op in _BACKTRACKING_REPEATS and av[1] is _UNBOUNDED and len(av[2]) == 1:
            chars = _class(*av[2][0], probe)
            if chars is not None and len(chars) > broad:
                return "leading unbounded wildcard: anchor the pattern with \\A or start it with a literal"
    return None


def _leading(seq: list[Any]) -> Iterable[tuple[Any, Any]]:
    """Items that can be the first a match tries: the first item, the first of groups and
    branches it opens, and the first of any leading lookaheads."""
    for op, av in seq:
        yield op, av
        if op is c.SUBPATTERN:
            yield from _leading(av[3])
        elif op is c.BRANCH:
            for b in av[1]:
                yield from _leading(b)
        elif op is c.ASSERT and av[0] == 1:
            yield from _leading(av[1])
            continue  # a lookahead is zero-width: the next item is also tried first
        if op is not c.AT:
            return
