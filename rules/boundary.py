"""Word-boundary check with jieba, run only in a small window around a candidate.

A keyword hit is kept when its start and end both fall on jieba token boundaries of the
surrounding window (大麻烦 segments as 大/麻烦, so 大麻 straddles a token and is dropped).
jieba loads its dictionary lazily, once per process, on the first call.
"""

from __future__ import annotations

import logging
from functools import lru_cache

WINDOW = 6


@lru_cache(maxsize=1)
def _tokenizer():  # noqa: ANN202 - jieba has no types
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@lru_cache(maxsize=65536)
def _cuts(window: str) -> frozenset[int]:
    pos = 0
    cuts = {0}
    for token in _tokenizer().cut(window, HMM=False):
        pos += len(token)
        cuts.add(pos)
    return frozenset(cuts)


def on_boundaries(text: str, start: int, end: int) -> bool:
    """True when text[start:end] starts and ends on token boundaries of its neighbourhood."""
    lo = max(0, start - WINDOW)
    cuts = _cuts(text[lo : min(len(text), end + WINDOW)])
    return (start - lo) in cuts and (end - lo) in cuts
