"""Text normalisation before matching, with a map back to the original offsets.

Steps (rules/README.md, "Matching"): NFKC, traditional → simplified (and a few look-alike
characters to the one the rules spell), Latin lowercased, zero-width
characters removed, noise (spaces, punctuation, symbols) between two Chinese characters
removed. The first three are one character-for-character table built once from unicodedata
and the OpenCC t2s character data, so they keep the length; only characters whose NFKC form
is not one character (①, ㎏, ligatures) are expanded separately; one whose NFKC form is only
noise (… → "...") becomes that form's first character, as noise is deleted as a run anyway.

Normalisation runs on every text field of every crawled page (bench/bench_rules.py). Where
rules/_fastnorm.c was built, it runs the fold and the deletion below in one pass and hands
back the original index of every character (the tables are built here and passed to it); it
leaves texts with characters whose NFKC form is longer than one character to this module.
Otherwise each step here is a C-speed primitive: a regex scan finds the few characters the
table changes (usual listing text has a dozen: full-width punctuation, capitals) and
`str.replace` swaps them, with `str.translate` for texts with many changes (traditional
text); noise goes with a regex `sub` plus one `str.replace` for the many lone spaces;
`normalise_all` does it once for all fields of a document. Maps back to original offsets are
built only when a hit asks for one.
"""

from __future__ import annotations

import bisect
import os
import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from rules.matcher import utf8

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
_MAX_REPLACES = 24
_BMP = 0x10000


class Normalised:
    """Normalised text plus what is needed to map its offsets back to the original."""

    __slots__ = ("text", "original", "_stage", "_stage_at", "_expanded", "_index", "_starts", "_positions", "_shift")

    def __init__(
        self,
        text: str,
        original: str,
        stage: str | None = None,
        expanded: bool = False,
        stage_at: int | None = None,
        positions: Sequence[int] | None = None,
        shift: tuple[int, int] = (0, 0),
    ) -> None:
        self.text = text
        self.original = original
        #: from the compiled path: the original index of every character, ready made (for a
        #: field of a joined document, from `shift` = (its start there, its original start))
        self._positions = positions
        self._shift = shift
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
        if self._positions is not None:
            at, original_at = self._shift
            return self._positions[at + pos] - original_at
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
        positions = self._positions
        if positions is not None and start < end <= len(self.text):
            # `to_original` of both ends at once, from the compiled path's original indexes
            at, original_at = self._shift
            return positions[at + start] - original_at, positions[at + end - 1] - original_at + 1
        if end <= start:
            s = self.to_original(start)
            return s, s
        return self.to_original(start), self.to_original(end - 1) + 1


class _Annotated(Normalised):
    """A text normalised after its pinyin annotations were removed (rules/ruby.py): offsets
    map through the inner result, then through the characters the removal kept."""

    __slots__ = ("_inner", "_kept")

    def __init__(self, inner: Normalised, original: str, kept: list[int]) -> None:
        super().__init__(inner.text, original)
        self._inner = inner
        self._kept = kept

    def to_original(self, pos: int) -> int:
        if pos >= len(self.text):
            return len(self.original)
        return self._kept[self._inner.to_original(pos)]


def _annotated(text: str) -> bool:
    from rules.ruby import strip_annotations

    return ("(" in text or "（" in text) and strip_annotations(text) is not None


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


#: Characters shop copy writes for another one that looks alike, folded to the one the rules
#: spell: 袪 (衣 radical, "sleeve") printed for 祛 (示 radical, "dispel") in 袪痘, 袪斑, 袪皱 on
#: cosmetics pages and in the decisions that quote them; 劵 (力 at the foot, a rare word for
#: "tired") printed for 券 (刀, "ticket") in 优惠劵, 秒杀劵后, 代金劵 on sales pages.
_LOOKALIKES = {"袪": "祛", "劵": "券"}


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
    #: one scan finds what matters to `_fold`: characters the mapping changes, and every
    #: astral character
    scan: re.Pattern[str]
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
    noise = re.compile(f"[{_NOISE}]+")
    table: dict[int, str] = {}
    slow: list[int] = []
    for cp in range(0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        nf = unicodedata.normalize("NFKC", ch)
        if len(nf) > 1 and noise.fullmatch(nf):
            # … ‼ ‥: a run of noise either way; one character keeps the length (and the
            # text off the slower expanding path), and "最…佳" stays one noise run
            nf = nf[0]
        if len(nf) != 1:
            slow.append(cp)
            continue
        out = t2s.get(nf, nf)
        out = _LOOKALIKES.get(out, out)
        if "A" <= out <= "Z":
            out = out.lower()
        if out != ch:
            table[cp] = out
    for ch in _ZERO_WIDTH:
        table.pop(ord(ch), None)
    slow = [c for c in slow if chr(c) not in _ZERO_WIDTH]
    bmp = tuple(table.get(cp, cp) for cp in range(_BMP))
    targets = {chr(k): v for k, v in table.items() if k < _BMP}
    scan = _char_class(sorted(ord(c) for c in targets) + list(range(_BMP, 0x110000)))
    chained = frozenset(chr(k) for k, v in table.items() if ord(v) in table)
    # Every astral character is let through as well (one range instead of dozens tested on
    # every character); those that are not slow expand to themselves.
    slow_class = _char_class([cp for cp in slow if cp < _BMP] + list(range(_BMP, 0x110000)))
    expansions = {chr(cp): _map_char(chr(cp), table) for cp in slow}
    return _Tables(table, bmp, targets, scan, chained, slow_class, re.compile(f"({slow_class.pattern})"), expansions)


def _fold(text: str, t: _Tables) -> str:
    """The length-keeping table applied to `text`.

    Listing text holds a dozen or so distinct characters the table changes (full-width
    punctuation, capitals of model codes): find one, replace all of its occurrences, look
    on from there. Texts with many (traditional pages) or with chained or astral characters
    go through `str.translate` instead."""
    m = t.scan.search(text)
    targets = t.targets
    replaced = 0
    while m is not None:
        ch = m.group()
        if ch >= "\U00010000":
            return text.translate(t.mapping)
        if replaced == _MAX_REPLACES or ch in t.chained:
            # characters replaced so far map to characters the table keeps: translate
            # leaves them as they are
            return text.translate(t.bmp if max(text) < "\U00010000" else t.mapping)
        text = text.replace(ch, targets[ch])
        replaced += 1
        m = t.scan.search(text, m.start())
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


#: The rules._fastnorm interface this module calls (its VERSION).
_FASTNORM_VERSION = 2


@lru_cache(maxsize=1)
def _compiled() -> Any | None:
    """rules._fastnorm configured with this module's tables, or None where it was not built
    (no C compiler at install time), was built from an older source (before VERSION 2, whose
    `locate` reads the automaton's byte offsets) or WANGJIAN_PYTHON_NORMALISER is set: the
    steps below then run as written here."""
    if os.environ.get("WANGJIAN_PYTHON_NORMALISER"):
        return None
    try:
        from rules import _fastnorm
    except ImportError:
        return None
    if getattr(_fastnorm, "VERSION", 0) < _FASTNORM_VERSION:
        return None
    t = _tables()
    table = array("I", range(_TABLE_SIZE))
    for cp, out in t.mapping.items():
        if cp < _TABLE_SIZE:
            table[cp] = ord(out)
    for ch in t.expansions:
        if ord(ch) < _TABLE_SIZE:
            table[ord(ch)] = _SLOW
    everything = "".join(chr(cp) for cp in range(_TABLE_SIZE) if not 0xD800 <= cp <= 0xDFFF)
    classes = bytearray(_TABLE_SIZE)
    from rules.ruby import TONED

    for bit, pattern in ((1, f"[{_NOISE}]"), (2, f"[{_ZERO_WIDTH}]"), (4, f"[{_HAN}]"), (8, f"[{TONED}]")):
        for ch in re.findall(pattern, everything):
            classes[ord(ch)] |= bit
    _fastnorm.configure(table.tobytes(), bytes(classes))
    return _fastnorm


#: What the compiled path covers: the code points `_tables` maps (higher ones are unchanged).
_TABLE_SIZE = 0x30000
_SLOW = 0xFFFFFFFF


def normalise(text: str) -> Normalised:
    """Normalise `text` for matching; offsets map back through the returned object."""
    done = _normalise_compiled(text)
    if done is not None:
        return done
    from rules.ruby import strip_annotations  # imports this module

    stripped = strip_annotations(text)
    if stripped is not None:
        inner = _normalise_compiled(stripped[0]) or _normalise_python(stripped[0])
        return _Annotated(inner, text, stripped[1])
    return _normalise_python(text)


def _normalise_compiled(text: str) -> Normalised | None:
    """The compiled path's result, or None where it is not built or leaves `text` to us."""
    fast = _compiled()
    done = fast.normalise(text) if fast is not None else None
    if done is None:
        return None
    out, positions = done
    if not positions:
        return Normalised(out, text)  # nothing deleted: positions are the original ones
    return Normalised(out, text, positions=memoryview(positions).cast("I"))


def _normalise_python(text: str) -> Normalised:
    """The steps of this module, pinyin annotations aside."""
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


class NormalisedFields:
    """The fields of one document normalised in one pass (`normalise_all`): `joined` holds
    them separated by a character no keyword contains, for one matcher pass; each field's
    own `Normalised` (with its offset map) is built only when asked for."""

    __slots__ = (
        "joined",
        "_texts",
        "_stage",
        "_expanded",
        "_positions",
        "_norms",
        "_starts",
        "_utf8",
    )

    def __init__(
        self,
        texts: list[str],
        joined: str,
        stage: str | None,
        expanded: bool,
        positions: Sequence[int] | bytes | None = None,
    ) -> None:
        self.joined = joined
        self._texts = texts
        #: the joined text before deletions, when something was deleted
        self._stage = stage
        #: whether `stage` is longer than the original (some NFKC expansion)
        self._expanded = expanded
        #: from the compiled path, when something was deleted: original index of each character
        #: (as native uint32 bytes until a field's offset map needs them)
        self._positions = positions
        self._norms: list[Normalised | None] = [None] * len(texts)
        self._starts: list[int] | None = None
        self._utf8: bytes | None = None

    def __len__(self) -> int:
        return len(self._texts)

    @property
    def starts(self) -> list[int]:
        """Where each field starts in `joined`."""
        if self._starts is None:
            if self._stage is None and not self._expanded and self._positions is None:
                lengths = [len(x) + 1 for x in self._texts[:-1]]
            else:
                lengths = [len(p) + 1 for p in self.joined.split(_SEPARATOR)[:-1]]
            self._starts = list(accumulate(lengths, initial=0))
        return self._starts

    @property
    def utf8(self) -> bytes:
        """`joined` as the keyword automaton reads it (rules/matcher.py)."""
        if self._utf8 is None:
            self._utf8 = utf8(self.joined)
        return self._utf8

    def __getitem__(self, i: int) -> Normalised:
        n = self._norms[i]
        if n is None:
            n = self._norms[i] = self._build(i)
        return n

    def _original_at(self, i: int) -> int:
        """Where field `i` starts in the original texts joined."""
        return sum(map(len, self._texts[:i])) + i  # a document has a few fields

    def _build(self, i: int) -> Normalised:
        original = self._texts[i]
        starts = self._starts if self._starts is not None else self.starts
        start = starts[i]
        end = len(self.joined) if i == len(starts) - 1 else starts[i + 1] - 1
        piece = self.joined[start:end]
        if self._positions is not None:
            if len(piece) == len(original):
                return Normalised(piece, original)  # the fold keeps lengths: nothing deleted here
            positions = self._positions
            if isinstance(positions, bytes):
                positions = self._positions = memoryview(positions).cast("I")
            return Normalised(piece, original, None, False, None, positions, (start, self._original_at(i)))
        stage = self._stage
        if stage is None:
            return Normalised(piece, original)
        if not self._expanded:
            # the fold keeps lengths, so a field lost characters only if it was shortened
            if len(piece) == len(original):
                return Normalised(piece, original)
            return Normalised(piece, original, stage, False, self._original_at(i))
        field_stage = stage.split(_SEPARATOR)[i]
        expanded = len(field_stage) != len(original)
        return Normalised(piece, original, field_stage if len(piece) != len(field_stage) else None, expanded)


def normalise_all(texts: list[str]) -> NormalisedFields:
    """`normalise` of each text, computed in one pass over them all (per-call overhead is a
    large share of short fields)."""
    fast = _compiled()
    # The compiled path declines every text with pinyin annotations or the separator, so
    # what it normalises needs no look for them.
    done = fast.normalise_fields(texts) if fast is not None and texts else None
    if done is not None:
        out, positions, starts = done
        fields = NormalisedFields(texts, out, None, False, positions or None)
        fields._starts = starts
        return fields
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1 or _annotated(joined):
        # a text holds the separator itself, or pinyin annotations (rules/ruby.py), which
        # change lengths: normalise one by one, join what came out
        norms = [normalise(x) for x in texts]
        fields = NormalisedFields([n.original for n in norms], _SEPARATOR.join(n.text for n in norms), None, False)
        fields._norms = list(norms)
        fields._starts = list(accumulate((len(n.text) + 1 for n in norms[:-1]), initial=0))
        return fields
    t = _tables()
    stage = _fold(joined, t)
    expanded = not unicodedata.is_normalized("NFKC", stage) and t.slow.search(joined) is not None
    if expanded:
        stage = _expand(stage, t)
    out = _delete_noise(stage)
    return NormalisedFields(texts, out, stage if len(out) != len(stage) or expanded else None, expanded)


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
