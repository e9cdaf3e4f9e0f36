"""Multi-keyword matcher behind one small interface.

The engine only needs "all (start, end, payload) occurrences of any keyword in a string",
overlapping included. pyahocorasick is the default backend; the interface keeps a swap to
another automaton a one-class change.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

import ahocorasick

P = TypeVar("P")


class KeywordMatcher(Generic[P]):
    """One automaton over many keywords; each keyword carries a list of payloads."""

    def __init__(self, keywords: Iterable[tuple[str, P]]) -> None:
        self._payloads: dict[str, list[P]] = {}
        for word, payload in keywords:
            if word:
                self._payloads.setdefault(word, []).append(payload)
        self._automaton = ahocorasick.Automaton()
        for word, payloads in self._payloads.items():
            self._automaton.add_word(word, (len(word), payloads))
        self._empty = not self._payloads
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._payloads)

    @property
    def words(self) -> list[str]:
        return list(self._payloads)

    def find(self, text: str) -> Iterator[tuple[int, int, list[P]]]:
        """Yield (start, end, payloads) for every occurrence, overlapping ones included."""
        if self._empty:
            return
        for end_index, (length, payloads) in self._automaton.iter(text):
            yield end_index + 1 - length, end_index + 1, payloads
