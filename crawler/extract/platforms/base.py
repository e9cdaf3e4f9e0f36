"""The platform registry. A platform is a class: the hosts its pages live on, markers its pages
carry (for a saved page whose address is unknown), the spider that crawls it, and how its pages
are read. Adding a platform is one module in this package with a `@register`ed class."""

from __future__ import annotations

import importlib
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from crawler.extract import api_json
from crawler.extract.generic import extract_generic
from crawler.extract.layouts import listing
from crawler.extract.result import Reading

PLATFORMS: dict[str, type[Platform]] = {}


def register(cls: type[Platform]) -> type[Platform]:
    if cls.name in PLATFORMS:
        raise ValueError(f"platform {cls.name!r} registered twice")
    PLATFORMS[cls.name] = cls
    return cls


def _plain(value: Any) -> Any:
    """Pydantic values (options, nested items) as plain JSON-ready data."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def kind_of(data: dict[str, Any]) -> str:
    """product | shop | listing, from the fields a spider's extraction returned."""
    if data.get("title") and ("item_id" in data or "price" in data):
        return "product"
    if data.get("shop_name") or data.get("licence_text") or data.get("uscc"):
        return "shop"
    return "listing"


class Platform:
    """A platform: recognised by host or page markers, read by its layouts with the generic
    reader filling the gaps."""

    name: ClassVar[str]
    label: ClassVar[str]  # as monitoring staff call it
    hosts: ClassVar[tuple[str, ...]] = ()  # host suffixes ("tmall.com" covers detail.tmall.com)
    markers: ClassVar[tuple[str, ...]] = ()  # strings only this platform's pages carry
    spider: ClassVar[str | None] = None  # the spider that crawls it, whose extraction is reused
    #: Among platforms whose markers a page carries, the higher priority wins: marketplaces
    #: over the specialised shops that also trade on them (a JD pharmacy page is a JD page).
    priority: ClassVar[int] = 1
    search: ClassVar[str | None] = None  # the keyword search address, "{}" for the keyword

    @classmethod
    def search_url(cls, keyword: str) -> str | None:
        return cls.search.format(quote(keyword)) if cls.search else None

    @classmethod
    def owns_host(cls, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in cls.hosts)

    @classmethod
    def marker_score(cls, text: str) -> int:
        head = text[:400_000]
        return sum(1 for m in cls.markers if m in head)

    # ---- reading ---------------------------------------------------------------------------

    def read(self, text: str, url: str) -> list[Reading]:
        """Every item the page shows (one product, one shop, or a listing)."""
        if listing.looks_like_listing(text):
            return [listing.read(text, url, self.name)]
        if api_json.opens_json(text) and (found := listing.from_json(text, url, self.name)) is not None:
            return [found]
        return [self.fill(self.product(text, url), text)]

    def product(self, text: str, url: str) -> Reading:
        return Reading(platform=self.name, kind="product", url=url)

    def fill(self, ex: Reading, text: str) -> Reading:
        """The generic reader's findings for what the layout left empty (products only)."""
        return extract_generic(text, ex.url, self.name, into=ex) if ex.kind == "product" else ex

    def read_with_spider(self, text: str, url: str) -> list[Reading]:
        """The spider's reading, products filled in by the generic reader and listings given
        their products' titles and prices."""
        out = []
        for ex in self.from_spider(text, url):
            if ex.kind == "listing":
                found = listing.read(text, url, self.name)
                found.merge(ex.data, f"spider:{self.spider}")
                ex = found
            out.append(self.fill(self.complete(ex, text), text))
        return out

    def complete(self, ex: Reading, text: str) -> Reading:
        """What the platform's layout adds to its spider's reading, before the generic reader."""
        return ex

    def from_spider(self, text: str, url: str) -> list[Reading]:
        """The platform spider's own extraction of the page, as readings."""
        module = importlib.import_module(f"crawler.spiders.{self.spider}")
        spider = next(
            v for v in vars(module).values() if isinstance(v, type) and getattr(v, "name", None) == self.spider
        )
        out = []
        for data in spider.extraction.saved_page(text, url):
            data = {k: _plain(v) for k, v in data.items()}
            ex = Reading(platform=self.name, kind=kind_of(data), url=url)
            ex.merge({k: v for k, v in data.items() if k not in ("platform", "url")}, f"spider:{self.spider}")
            out.append(ex)
        return out


class GenericPlatform(Platform):
    """Any site without a platform of its own (self-built shops, the long tail)."""

    name = "generic"
    label = "自建网站/其他"

    def product(self, text: str, url: str) -> Reading:
        return extract_generic(text, url, self.name)


def recognise(url: str, text: str) -> tuple[Platform, str]:
    """(platform, how it was recognised: "host", "markers" or "fallback")."""
    for cls in PLATFORMS.values():
        if cls.owns_host(url):
            return cls(), "host"
    scored = [(cls.priority, cls.marker_score(text), cls) for cls in PLATFORMS.values()]
    scored = [s for s in scored if s[1] > 0]
    if scored:
        return max(scored, key=lambda s: (s[0], s[1]))[2](), "markers"
    return GenericPlatform(), "fallback"
