"""Text normalisation before matching, with a map back to the original offsets.

Steps (domain-rules.md §0): NFKC, traditional → simplified, Latin lowercased, zero-width
characters removed, noise (spaces, punctuation, symbols) between two Chinese characters
removed. The first three are one character-for-character table built once from unicodedata
and the OpenCC t2s character data, so they keep the length; only characters whose NFKC form
is not one character (①, ㎏, ligatures, the ellipsis …) are expanded separately.

Normalisation runs on every text field of every crawled page (bench/bench_rules.py), so each
step is a C-speed primitive: a regex scan finds the few characters the table changes (usual
listing text has a handful: full-width punctuation, capitals) and `str.replace` swaps them,
with `str.translate` for texts with many changes (traditional text); noise goes with a regex
`sub` plus one `str.replace` for the many lone spaces; `normalise_all` does it once for all
fields of a document. Maps back to original offsets are built only when a hit asks for one.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
#: Noise that evasion inserts inside a term: whitespace, ASCII and CJK punctuation, symbols.
_NOISE_MARKS = r"\*#_\-~·•．.,，。、;；:：!！?？'\"“”‘’`|/\\+=^…—()（）\[\]【】<>《》「」『』〈〉@&%$"
#: Exactly the characters `\s` matches, listed, so that every noise class compiles to one
#: bitmap lookup per character (a `\s` category test costs as much again on every character).
_SPACES = "".join(re.escape(chr(cp)) for cp in range(0x3001) if chr(cp).isspace())
_NOISE = _SPACES + _NOISE_MARKS
_NZ = f"[{_NOISE}{_ZERO_WIDTH}]"
#: What is deleted: a run of 1-3 noise characters between two Chinese characters, or any run
#: of zero-width characters. Written to start with one character class (instead of the
#: equivalent `(?<=han)[noise]{1,3}(?=han)|[zw]+`) so the regex engine skips ordinary text
#: with its fast first-character scan.
_DELETED = rf"{_NZ}(?:(?<=[{_HAN}]{_NZ}){_NZ}{{0,2}}(?=[{_HAN}])|(?<=[{_ZERO_WIDTH}])[{_ZERO_WIDTH}]*)"
_NOISE_RUN = re.compile(_DELETED)
_NOISE_SPLIT = re.compile(f"({_DELETED})")
#: Spaces are most of the noise (space-separated titles and descriptions), and a regex
#: match per deleted space is the slowest step of normalisation. `_delete_noise` marks every
#: space that is not a single space between two Chinese characters with a private-use
#: placeholder the deletion regex treats as noise, drops the remaining spaces in one
#: `str.replace` (those are exactly the one-character runs the regex would delete), and
#: lets the regex decide the rest, so the result is the regex's own.
_PLACEHOLDER = "\ue000"
_NZP = f"[{_NOISE}{_ZERO_WIDTH}{_PLACEHOLDER}]"
_NOISE_RUN_P = re.compile(
    rf"{_NZP}(?:(?<=[{_HAN}]{_NZP}){_NZP}{{0,2}}(?=[{_HAN}])|(?<=[{_ZERO_WIDTH}])[{_ZERO_WIDTH}]*)"
)
_NOISE_SPLIT_P = re.compile(f"({_NOISE_RUN_P.pattern})")
_NOT_LONE_SPACE = re.compile(rf" (?:(?<![{_HAN}] )|(?![{_HAN}]))")
#: Above this many distinct changed characters one `str.translate` beats repeated replaces.
_MAX_REPLACES = 16
_BMP = 0x10000
_ASCII_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


class Normalised:
    """Normalised text plus what is needed to map its offsets back to the original."""

    __slots__ = ("text", "original", "_stage", "_stage_at", "_expanded", "_index", "_starts")

    def __init__(
        self, text: str, original: str, stage: str | None = None, expanded: bool = False, stage_at: int | None = None
    ) -> None:
        self.text = text
        self.original = original
        #: the text before deletions, when something was deleted (positions differ from `text`);
        #: with `stage_at`, a longer string holding it from that index on (sliced when needed)
        self._stage = stage
        self._stage_at = stage_at
        #: whether some character's NFKC form had another length (①), so the stage is not
        #: position for position the original; `_index` maps it back, built on first use
        self._expanded = expanded
        self._index: tuple[list[int], list[int]] | None = None
        #: offset maps of the deletion steps (see `_layers`); built on first use
        self._starts: list[tuple[list[int], list[int]]] | None = None

    def __repr__(self) -> str:
        return f"Normalised({self.text!r})"

    def _layers(self) -> list[tuple[list[int], list[int]]]:
        """Per deletion step, outermost first: where each kept piece starts after the step
        and before it. Built on first use: only texts with a hit need it."""
        if self._starts is None:
            stage = self._stage
            assert stage is not None
            if self._stage_at is not None:
                stage = stage[self._stage_at : self._stage_at + len(self.original)]
            if _squeezable(stage):
                marked = _NOT_LONE_SPACE.sub(_PLACEHOLDER, stage)
                squeezed = marked.replace(" ", "")
                self._starts = [_split_layer(_NOISE_SPLIT_P.split(squeezed)), _space_layer(marked.split(" "))]
            else:
                self._starts = [_split_layer(_NOISE_SPLIT.split(stage))]
        return self._starts

    def to_original(self, pos: int) -> int:
        """Original index of normalised position `pos` (start of a span)."""
        if pos >= len(self.text):
            return len(self.original)
        if self._stage is not None:
            for after, before in self._layers():
                i = bisect.bisect_right(after, pos) - 1
                pos = before[i] + pos - after[i]
        if not self._expanded:
            return pos
        if self._index is None:
            self._index = _expansion_map(self.original, _tables())
        after, before = self._index
        i = bisect.bisect_right(after, pos) - 1
        return before[i] if i % 2 else before[i] + pos - after[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the normalised span [start, end)."""
        if end <= start:
            s = self.to_original(start)
            return s, s
        return self.to_original(start), self.to_original(end - 1) + 1


def _split_layer(parts: list[str]) -> tuple[list[int], list[int]]:
    """Map of a regex deletion from `regex.split` output: kept, deleted, kept, …, kept."""
    lengths = list(map(len, parts))
    before = list(accumulate(lengths, initial=0))[0::2]
    after = list(accumulate(lengths[0::2], initial=0))
    return after[:-1], before[: len(after) - 1]


def _space_layer(pieces: list[str]) -> tuple[list[int], list[int]]:
    """Map of deleting the single spaces that separate `pieces`."""
    lengths = list(map(len, pieces))
    after = list(accumulate(lengths, initial=0))
    before = list(accumulate(map((1).__add__, lengths), initial=0))
    return after[:-1], before[:-1]


def _t2s_pairs() -> dict[str, str]:
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    pairs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2:
            target = parts[1].split(" ")[0]
            if len(parts[0]) == 1 and len(target) == 1:
                pairs[parts[0]] = target
    return pairs


def _char_class(codepoints: list[int]) -> re.Pattern[str]:
    """One character class of `codepoints`, written as ranges: the regex compiler turns the
    BMP part into a bitmap, and merged ranges keep the astral part short (listed one by
    one, astral characters would be tested one after another for every character)."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{body}]")


@dataclass(frozen=True, slots=True)
class _Tables:
    #: character → normalised character (only characters that change)
    mapping: dict[int, str]
    #: the same for the BMP as a tuple indexed by code point (str.translate's fastest mapping)
    bmp: tuple[int | str, ...]
    #: BMP character → its normalised form, for the characters the mapping changes
    targets: dict[str, str]
    #: one scan finds what matters to `_fold`: characters the mapping changes, characters
    #: other than A-Z that str.lower() changes, and every astral character
    scan: re.Pattern[str]
    #: the str.lower()-changed characters of `scan` other than A-Z (astral ones aside)
    cased: frozenset[str]
    #: changed characters whose target the mapping changes again: replace order would matter
    chained: frozenset[str]
    #: characters whose NFKC form is not one character (and every astral character)
    slow: re.Pattern[str]
    #: the same, as a capturing split
    slow_split: re.Pattern[str]
    #: each of those characters → its NFKC form through the table
    expansions: dict[str, str]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Built once per process."""
    t2s = _t2s_pairs()
    table: dict[int, str] = {}
    slow: list[int] = []
    for cp in range(0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        nf = unicodedata.normalize("NFKC", ch)
        if len(nf) != 1:
            slow.append(cp)
            continue
        out = t2s.get(nf, nf)
        if "A" <= out <= "Z":
            out = out.lower()
        if out != ch:
            table[cp] = out
    for ch in _ZERO_WIDTH:
        table.pop(ord(ch), None)
    slow = [c for c in slow if chr(c) not in _ZERO_WIDTH]
    bmp = tuple(table.get(cp, cp) for cp in range(_BMP))
    targets = {chr(k): v for k, v in table.items() if k < _BMP}
    cased = frozenset(
        chr(cp)
        for cp in range(_BMP)
        if not 0xD800 <= cp <= 0xDFFF and chr(cp).lower() != chr(cp) and not 0x41 <= cp <= 0x5A
    )
    scan = _char_class(sorted({ord(c) for c in targets} | {ord(c) for c in cased}) + list(range(_BMP, 0x110000)))
    chained = frozenset(chr(k) for k, v in table.items() if ord(v) in table)
    # Every astral character is let through as well (one range instead of dozens tested on
    # every character); those that are not slow expand to themselves.
    slow_class = _char_class([cp for cp in slow if cp < _BMP] + list(range(_BMP, 0x110000)))
    expansions = {chr(cp): _map_char(chr(cp), table) for cp in slow}
    return _Tables(
        table, bmp, targets, scan, cased, chained, slow_class, re.compile(f"({slow_class.pattern})"), expansions
    )


def _fold(text: str, t: _Tables) -> str:
    """The length-keeping table applied to `text`."""
    found = t.scan.findall(text)
    if not found:
        return text
    distinct = set(found)
    if max(distinct) >= "\U00010000":
        return text.translate(t.mapping)
    lowerable = distinct.isdisjoint(t.cased)
    if lowerable and not distinct.isdisjoint(_ASCII_UPPER):
        # Only A-Z change under str.lower() here, exactly as the table maps them: one C pass.
        text = text.lower()
        distinct -= _ASCII_UPPER
    targets = t.targets
    if not lowerable:
        distinct = {ch for ch in distinct if ch in targets}  # cased characters the table keeps
    if len(distinct) > _MAX_REPLACES or not distinct.isdisjoint(t.chained):
        return text.translate(t.bmp)
    for ch in distinct:
        text = text.replace(ch, targets[ch])
    return text


def _map_char(ch: str, table: dict[int, str]) -> str:
    nf = unicodedata.normalize("NFKC", ch)
    return "".join(table.get(ord(c), c) for c in nf)


def _expand(folded: str, t: _Tables) -> str:
    """The rest of the table when some characters' NFKC form is not one character (①, ㎏,
    …): `_fold` leaves those alone (and creates none), so put each one's mapping in."""
    parts = t.slow_split.split(folded)
    expansions = t.expansions
    parts[1::2] = [expansions.get(ch, ch) for ch in parts[1::2]]
    return "".join(parts)


def _expansion_map(text: str, t: _Tables) -> tuple[list[int], list[int]]:
    """Where each piece of `_expand(text)` starts, and where it came from in `text`: plain
    stretches alternate with expanded characters (odd pieces), which map to one index."""
    parts = t.slow_split.split(text)
    lengths = list(map(len, parts))
    expansions = t.expansions
    lengths[1::2] = [len(expansions.get(ch, ch)) for ch in parts[1::2]]
    return list(accumulate(lengths, initial=0))[:-1], list(accumulate(map(len, parts), initial=0))[:-1]


def normalise(text: str) -> Normalised:
    """Normalise `text` for matching; offsets map back through the returned object."""
    t = _tables()
    stage = _fold(text, t)
    expanded = not unicodedata.is_normalized("NFKC", stage) and t.slow.search(text) is not None
    if expanded:
        stage = _expand(stage, t)
    out = _delete_noise(stage)
    if len(out) == len(stage):
        return Normalised(stage, text, None, expanded)
    return Normalised(out, text, stage, expanded)


#: Joins the fields of one document so each step runs once per document: it is not noise,
#: not Chinese and unchanged by the table, so nothing is deleted or matched across it.
_SEPARATOR = "\x00"


def normalise_all(texts: list[str]) -> tuple[list[Normalised], str, list[int]]:
    """`normalise` of each text, computed in one pass over them all (per-call overhead is a
    large share of short fields). Also returns the normalised texts joined by a separator no
    keyword contains, for one matcher pass, and where each starts in that joined string."""
    t = _tables()
    joined = _SEPARATOR.join(texts)
    if len(texts) > 1 and joined.count(_SEPARATOR) == len(texts) - 1:
        stage = _fold(joined, t)
        if not unicodedata.is_normalized("NFKC", stage) and t.slow.search(joined):
            return _normalise_expanded(texts, _expand(stage, t))
        out = _delete_noise(stage)
        if len(out) == len(stage):
            starts = list(accumulate((len(x) + 1 for x in texts[:-1]), initial=0))
            return [Normalised(p, x) for p, x in zip(stage.split(_SEPARATOR), texts, strict=True)], stage, starts
        norms = []
        at = 0
        for piece, x in zip(out.split(_SEPARATOR), texts, strict=True):
            # the fold keeps lengths, so a field lost characters only if it was shortened
            norms.append(Normalised(piece, x, stage, False, at) if len(piece) != len(x) else Normalised(piece, x))
            at += len(x) + 1
        starts = list(accumulate((len(n.text) + 1 for n in norms[:-1]), initial=0))
        return norms, out, starts
    norms = [normalise(x) for x in texts]
    starts = list(accumulate((len(n.text) + 1 for n in norms[:-1]), initial=0))
    return norms, _SEPARATOR.join(n.text for n in norms), starts


def _normalise_expanded(texts: list[str], stage: str) -> tuple[list[Normalised], str, list[int]]:
    """`normalise_all` once `stage` (the joined texts through `_expand`) has changed length."""
    out = _delete_noise(stage)
    norms = []
    for piece, field_stage, x in zip(out.split(_SEPARATOR), stage.split(_SEPARATOR), texts, strict=True):
        expanded = len(field_stage) != len(x)
        norms.append(Normalised(piece, x, field_stage if len(piece) != len(field_stage) else None, expanded))
    starts = list(accumulate((len(n.text) + 1 for n in norms[:-1]), initial=0))
    return norms, out, starts


def _squeezable(stage: str) -> bool:
    """Whether spaces are deleted with `str.replace` (enough of them, no placeholder clash)."""
    return stage.count(" ") >= 8 and _PLACEHOLDER not in stage


def _delete_noise(stage: str) -> str:
    """`_NOISE_RUN.sub("", stage)`, computed faster when there are many spaces."""
    if not _squeezable(stage):
        return _NOISE_RUN.sub("", stage)
    marked, kept = _NOT_LONE_SPACE.subn(_PLACEHOLDER, stage)
    out = _NOISE_RUN_P.sub("", marked.replace(" ", ""))
    return out.replace(_PLACEHOLDER, " ") if kept else out


def normalise_term(term: str) -> str:
    """Normalised form of a pack keyword (keywords are matched against normalised text)."""
    return normalise(term).text
