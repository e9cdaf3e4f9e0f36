"""What a page reading yields: the fields found and, for each, the strategy that found it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from crawler.spiders._common import absolute

__all__ = ["Reading", "absolute", "price_range"]  # absolute: shared with the spiders

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_RANGE_RE = re.compile(rf"({_NUMBER})(?:\s*(?:-|~|～|—|–|至)\s*[¥￥]?\s*({_NUMBER}))?")


def price_range(text: str | None) -> tuple[float | None, float | None]:
    """(low, high) of a price text: "¥36.00-58.00" → (36.0, 58.0); one price → (p, None)."""
    if not text:
        return None, None
    m = _RANGE_RE.search(text.replace("￥", " ").replace("¥", " "))
    if not m:
        return None, None
    low = float(m[1].replace(",", ""))
    high = float(m[2].replace(",", "")) if m[2] else None
    if high is not None and high <= low:
        high = None if high == low else high
        if high is not None:
            low, high = high, low
    return low, high


@dataclass
class Reading:
    """One page's reading. `kind` is product, shop or listing; `sources` names, per field, the
    strategy that produced it (a layout name, "jsonld", "microdata", "opengraph", "label",
    "near-title", "heading", "title-tag" …)."""

    platform: str
    kind: str
    url: str
    data: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def put(self, name: str, value: Any, source: str) -> bool:
        """Set `name` unless it already has a value; empty values are ignored."""
        if value is None or value == "" or value == [] or self.data.get(name) not in (None, "", []):
            return False
        self.data[name] = value
        self.sources[name] = source
        return True

    def replace(self, name: str, value: Any, source: str) -> None:
        """Set `name` over what an earlier, less precise strategy found."""
        self.data[name] = value
        self.sources[name] = source

    def merge(self, data: dict[str, Any], source: str) -> None:
        for name, value in data.items():
            self.put(name, value, source)

    def as_dict(self) -> dict[str, Any]:
        return {"platform": self.platform, "page_kind": self.kind, "url": self.url, **self.data,
                "sources": dict(self.sources)}  # fmt: skip
