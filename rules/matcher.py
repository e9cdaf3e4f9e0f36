"""Multi-keyword matcher behind one small interface.

The engine only needs "all (start, end, payload) occurrences of any keyword in a string",
overlapping included. The backend is ahocorasick_rs built as a DFA: on 20 MB of listing
text with the shipped keyword set it scans several times faster than pyahocorasick's
`iter()` (bench/bench_rules.py prints both), and the scan runs over every text field of
every crawled page.

The automaton runs over UTF-8 bytes (ahocorasick_rs's `BytesAhoCorasick`): given a `str`,
ahocorasick_rs maps every byte of the text to its character index before it searches, which
costs about as much as the search itself on Chinese text, while only the few matches need
their offsets as characters. `find` and `find_indexes` take a `str` and give Python string
indexes; `find_utf8` gives byte offsets, for callers that map them themselves (the engine's
locate stage, rules/_fastnorm.c).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

import ahocorasick_rs

P = TypeVar("P")

#: How text is encoded for the automaton: UTF-8, with lone surrogates (which no keyword holds)
#: kept as three bytes each rather than refused.
ENCODING, ERRORS = "utf-8", "surrogatepass"


def build_automaton(words: list[str]) -> ahocorasick_rs.AhoCorasick:
    """A DFA over `words` that searches `str` text (the benchmark's baseline build)."""
    return ahocorasick_rs.AhoCorasick(words, implementation=ahocorasick_rs.Implementation.DFA)


def utf8(text: str) -> bytes:
    """`text` as the automaton reads it."""
    return text.encode(ENCODING, ERRORS)


def char_offsets(data: bytes, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Byte-offset matches (pattern, start, end) in `data` (UTF-8) with character offsets."""
    if not found or data.isascii():
        return found
    at: dict[int, int] = {}
    previous = chars = 0
    for offset in sorted({o for _, s, e in found for o in (s, e)}):
        chars += len(data[previous:offset].decode(ENCODING, ERRORS))
        at[offset] = chars
        previous = offset
    return [(p, at[s], at[e]) for p, s, e in found]


class KeywordMatcher(Generic[P]):
    """One automaton over many keywords; each keyword carries a list of payloads."""

    def __init__(self, keywords: Iterable[tuple[str, P]]) -> None:
        payloads: dict[str, list[P]] = {}
        for word, payload in keywords:
            if word:
                payloads.setdefault(word, []).append(payload)
        self._words = list(payloads)
        self._payloads = [payloads[w] for w in self._words]
        self._automaton = (
            ahocorasick_rs.BytesAhoCorasick(
                [utf8(w) for w in self._words], implementation=ahocorasick_rs.Implementation.DFA
            )
            if self._words
            else None
        )

    def __len__(self) -> int:
        return len(self._words)

    @property
    def words(self) -> list[str]:
        return list(self._words)

    def find(self, text: str) -> list[tuple[int, int, list[P]]]:
        """Every occurrence as (start, end, payloads), overlapping ones included."""
        payloads = self._payloads
        return [(s, e, payloads[i]) for i, s, e in self.find_indexes(text)]

    @property
    def payloads(self) -> list[list[P]]:
        """The payloads of each keyword, in the order of `words` (pattern indexes of `find_indexes`)."""
        return self._payloads

    def find_indexes(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence as (keyword index, start, end), overlapping ones included: no
        payload lists built, for callers that look payloads up by index themselves."""
        data = utf8(text)
        return char_offsets(data, self.find_utf8(data))

    def find_utf8(self, data: bytes) -> list[tuple[int, int, int]]:
        """`find_indexes` over text already encoded (`utf8`), with byte offsets."""
        if self._automaton is None:
            return []
        return self._automaton.find_matches_as_indexes(data, overlapping=True)
