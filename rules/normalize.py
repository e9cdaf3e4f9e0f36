"""Text normalisation before matching, with a map back to the original offsets.

Steps (domain-rules.md §0): NFKC, traditional → simplified, Latin lowercased, zero-width
characters removed, noise (spaces, punctuation, symbols) between two Chinese characters
removed. The first three are one `str.translate` table built once from unicodedata and the
OpenCC t2s character data, so they keep the length; only characters whose NFKC form is not
one character (rare: ①, ㎏, ligatures) take a slow per-character path.
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
_NOISE = r"\s\*#_\-~·•．.,，。、;；:：!！?？'\"“”‘’`|/\\+=^…—()（）\[\]【】<>《》「」『』〈〉@&%$"
_NOISE_RUN = re.compile(rf"(?<=[{_HAN}])[{_NOISE}{_ZERO_WIDTH}]{{1,3}}(?=[{_HAN}])|[{_ZERO_WIDTH}]+")


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text plus the data to map its offsets back to the original."""

    text: str
    original: str
    #: sorted normalised positions where the offset to the original changes, and the offset
    _breaks: tuple[int, ...] = ()
    _shifts: tuple[int, ...] = ()
    #: per-character original index when the slow NFKC path changed lengths
    _index: tuple[int, ...] | None = None

    def to_original(self, pos: int) -> int:
        """Original index of normalised position `pos` (start of a span)."""
        if self._index is not None:
            return self._index[pos] if pos < len(self._index) else len(self.original)
        if not self._breaks:
            return pos
        i = bisect.bisect_right(self._breaks, pos) - 1
        return pos + (self._shifts[i] if i >= 0 else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the normalised span [start, end)."""
        if end <= start:
            s = self.to_original(start)
            return s, s
        return self.to_original(start), self.to_original(end - 1) + 1


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


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """(translate table, regex of characters needing the slow path). Built once per process."""
    t2s = _t2s_pairs()
    table: dict[int, str] = {}
    slow: list[str] = []
    for cp in range(0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        nf = unicodedata.normalize("NFKC", ch)
        if len(nf) != 1:
            slow.append(ch)
            continue
        out = t2s.get(nf, nf)
        if "A" <= out <= "Z":
            out = out.lower()
        if out != ch:
            table[cp] = out
    for ch in _ZERO_WIDTH:
        table.pop(ord(ch), None)
    slow = [c for c in slow if c not in _ZERO_WIDTH]
    klass = "".join(re.escape(c) for c in slow)
    return table, re.compile(f"[{klass}]")


def _map_char(ch: str, table: dict[int, str]) -> str:
    nf = unicodedata.normalize("NFKC", ch)
    return "".join(table.get(ord(c), c) for c in nf)


def normalise(text: str) -> Normalised:
    """Normalise `text` for matching; offsets map back through the returned object."""
    table, slow = _tables()
    index: list[int] | None = None
    stage = text.translate(table)
    if not unicodedata.is_normalized("NFKC", stage) and slow.search(text):
        parts: list[str] = []
        index = []
        for i, ch in enumerate(text):
            out = ch if ch in _ZERO_WIDTH else _map_char(ch, table)
            parts.append(out)
            index.extend([i] * len(out))
        stage = "".join(parts)
    spans = [m.span() for m in _NOISE_RUN.finditer(stage)]
    if not spans and index is None:
        return Normalised(stage, text)
    if index is None:
        lengths = [e - s for s, e in spans]
        shifts = list(accumulate(lengths))
        breaks = [s - (sh - n) for (s, _), sh, n in zip(spans, shifts, lengths, strict=True)]
        return Normalised(_NOISE_RUN.sub("", stage), text, (0, *breaks), (0, *shifts))
    keep = [True] * len(stage)
    for s, e in spans:
        for j in range(s, e):
            keep[j] = False
    text_out = "".join(c for c, k in zip(stage, keep, strict=True) if k)
    idx = tuple(i for i, k in zip(index, keep, strict=True) if k)
    return Normalised(text_out, text, _index=idx)


def normalise_term(term: str) -> str:
    """Normalised form of a pack keyword (keywords are matched against normalised text)."""
    return normalise(term).text
