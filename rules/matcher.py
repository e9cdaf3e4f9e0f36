"""Multi-keyword matcher behind one small interface.

The engine only needs "all (start, end, payload) occurrences of any keyword in a string",
overlapping included. The backend is ahocorasick_rs built as a DFA: on 20 MB of listing
text with the shipped keyword set it scans several times faster than pyahocorasick's
`iter()` (bench/bench_rules.py prints both), and the scan runs over every text field of
every crawled page. Offsets are Python string indexes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

import ahocorasick_rs

P = TypeVar("P")


def build_automaton(words: list[str]) -> ahocorasick_rs.AhoCorasick:
    """The automaton the engine uses for `words` (the benchmark builds its baseline the same way)."""
    return ahocorasick_rs.AhoCorasick(words, implementation=ahocorasick_rs.Implementation.DFA)


class KeywordMatcher(Generic[P]):
    """One automaton over many keywords; each keyword carries a list of payloads."""

    def __init__(self, keywords: Iterable[tuple[str, P]]) -> None:
        payloads: dict[str, list[P]] = {}
        for word, payload in keywords:
            if word:
                payloads.setdefault(word, []).append(payload)
        self._words = list(payloads)
        self._payloads = [payloads[w] for w in self._words]
        self._automaton = build_automaton(self._words) if self._words else None

    def __len__(self) -> int:
        return len(self._words)

    @property
    def words(self) -> list[str]:
        return list(self._words)

    def find(self, text: str) -> list[tuple[int, int, list[P]]]:
        """Every occurrence as (start, end, payloads), overlapping ones included."""
        if self._automaton is None:
            return []
        payloads = self._payloads
        return [(s, e, payloads[i]) for i, s, e in self._automaton.find_matches_as_indexes(text, overlapping=True)]

    @property
    def payloads(self) -> list[list[P]]:
        """The payloads of each keyword, in the order of `words` (pattern indexes of `find_indexes`)."""
        return self._payloads

    def find_indexes(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence as (keyword index, start, end), overlapping ones included: no
        payload lists built, for callers that look payloads up by index themselves."""
        if self._automaton is None:
            return []
        return self._automaton.find_matches_as_indexes(text, overlapping=True)
