"""What every platform spider shares: start points from spider arguments, following listings,
shop product grids and shop links, the malformed-page checks and item building. A platform
binds its pure extraction functions to its spider class as an `Extraction` and overrides the
few hooks below where it differs (docs/adding-a-platform.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

import scrapy
from pydantic import BaseModel
from scrapy.http import Response

from crawler.capture import capture
from crawler.charset import decode_html
from crawler.items import PageCapture, ProductItem, ShopItem
from crawler.middlewares import count_malformed
from crawler.spiders._common import split_arg

#: (html, url) → what the page shows, as plain data
Extractor = Callable[[str, str], dict[str, Any]]
#: (saved page bytes or text, url) → the extraction of whatever kind of page it is
PageExtractor = Callable[[bytes | str, str], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Extraction:
    """A platform's pure extraction functions. They take a page's HTML and URL and return
    plain data, so they run on saved pages (`wangjian extract`) and in tests without Scrapy."""

    #: `page_kind(url)`: the kind of page a start URL is: the spider's `item_kind` or
    #: `shop_kind`, "listing", "directory" (a list of shops) or a kind of the platform's own;
    #: without `page`, also `page_kind(url, html)` for saved pages
    page_kind: Callable[..., str]
    #: a product page → ProductItem fields, plus "shop_url"
    product: Extractor
    #: a shop page → ShopItem fields, plus "item_urls" and "next_url" (its product grid)
    shop: Extractor
    #: a listing or search page → "item_urls", "shop_urls", "next_url"
    listing: Extractor
    #: a saved page of any kind → its extraction(s); None: the extractor of the kind
    #: `page_kind(url, html)` names (product, shop, else listing)
    page: PageExtractor | None = None

    def saved_page(self, page: bytes | str, url: str) -> list[dict[str, Any]]:
        """What a saved page shows, whatever its kind (`wangjian extract`)."""
        if self.page is not None:
            return self.page(page, url)
        return extract_by_kind(page, url, self.page_kind, self.product, self.shop, self.listing)


def _fields(data: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    names = set(model.model_fields) - {"pages"}
    return {k: v for k, v in data.items() if k in names and v is not None}


def build_product_item(data: dict[str, Any], pages: list[PageCapture] | None = None) -> ProductItem:
    return ProductItem(**_fields(data, ProductItem), pages=pages or [])


def build_shop_item(
    data: dict[str, Any], pages: list[PageCapture] | None = None, info_keys: tuple[str, ...] = ()
) -> ShopItem:
    """`info_keys`: the texts joined into `shop_info` (when the extraction did not set it)."""
    if info_keys:
        data = {**data, "shop_info": "\n".join(x for x in (data.get(k) for k in info_keys) if x) or None}
    return ShopItem(**_fields(data, ShopItem), pages=pages or [])


def saved_item(item: ShopItem | ProductItem) -> list[dict[str, Any]]:
    """An item read from a saved page, as `Extraction.page` returns it (JSON-ready, no captures)."""
    return [item.model_dump(mode="json", exclude={"pages"})]


def extract_by_kind(
    page: bytes | str,
    url: str,
    page_kind: Callable[[str, str], str],
    extract_item: Callable[[str, str], dict[str, Any]],
    extract_shop: Callable[[str, str], dict[str, Any]],
    extract_listing: Callable[[str, str], dict[str, Any]],
) -> list[dict[str, Any]]:
    """A saved page's extraction, by the kind its URL or content shows (item, shop, else listing)."""
    html = decode_html(page)
    extract = {"item": extract_item, "shop": extract_shop}.get(page_kind(url, html), extract_listing)
    return [extract(html, url)]


class PlatformSpider(scrapy.Spider):
    """Start points: ``-a start_urls=URL[,URL]`` (dispatched by page kind) and
    ``-a keywords=k1,k2`` with ``-a base_url=<platform root>`` (searched).

    Callbacks are named ``parse_<kind>``; `item_kind` and `shop_kind` name the product and
    shop page kinds of the platform. `extraction` holds the platform's pure functions."""

    platform: ClassVar[str]
    extraction: ClassVar[Extraction]
    item_kind: ClassVar[str] = "item"
    shop_kind: ClassVar[str] = "shop"
    search_path: ClassVar[str] = "/search?keyword={}"
    shop_info_keys: ClassVar[tuple[str, ...]] = ("notice", "licence_text")

    def __init__(
        self,
        start_urls: str | list[str] | None = None,
        keywords: str | list[str] | None = None,
        base_url: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = split_arg(start_urls)
        self.keywords = split_arg(keywords)
        self.base_url = (base_url or "").rstrip("/")
        if self.keywords and not self.base_url:
            raise ValueError("keywords need -a base_url=<platform root>")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "platform" in cls.__dict__ and not isinstance(getattr(cls, "extraction", None), Extraction):
            raise TypeError(f"{cls.__name__} must bind its pure functions: extraction = Extraction(...)")

    # ---- hooks -----------------------------------------------------------------------------

    def start_point(self, url: str) -> tuple[str, str]:
        """(url, page kind) to request for a start URL."""
        return url, self.extraction.page_kind(url)

    def search_url(self, keyword: str) -> str:
        return self.base_url + self.search_path.format(quote(keyword))

    def request(self, url: str, kind: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=getattr(self, f"parse_{kind}"), meta=meta or None)

    def follow(self, response: Response, url: str, kind: str, **meta: Any) -> scrapy.Request:
        return response.follow(url, callback=getattr(self, f"parse_{kind}"), meta=meta or None)

    def listing_page(self, response: Response) -> dict[str, Any] | None:
        """The listing's links, or None (counted) when the page cannot be read."""
        return self.extraction.listing(response.text, response.url)

    # ---- shared crawling -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for start_url in self.start_urls:
            url, kind = self.start_point(start_url)
            yield self.request(url, kind, with_shop=kind == self.item_kind)
        for kw in self.keywords:
            yield self.request(self.search_url(kw), "listing")

    def parse_directory(self, response: Response) -> Iterator[scrapy.Request]:
        page = self.listing_page(response)
        if page is None:
            return
        for url in page["shop_urls"]:
            yield self.follow(response, url, self.shop_kind)
        if page["next_url"]:
            yield self.follow(response, page["next_url"], "directory")

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        page = self.listing_page(response)
        if page is None:
            return
        for url in page["item_urls"]:
            yield self.follow(response, url, self.item_kind, with_shop=True)
        for url in page["shop_urls"]:
            yield self.follow(response, url, self.shop_kind)
        if page["next_url"]:
            yield self.follow(response, page["next_url"], "listing")

    def follow_products(self, response: Response, shop: dict[str, Any]) -> Iterator[scrapy.Request]:
        """The shop's product grid (unless the request came from a product page) and its next
        page; later grid pages only feed products."""
        if response.meta.get("products", True):
            for url in shop["item_urls"]:
                yield self.follow(response, url, self.item_kind)
            if shop["next_url"]:
                yield self.follow(response, shop["next_url"], self.shop_kind, shop_page_only=True)

    def follow_shop(self, response: Response, product: dict[str, Any]) -> Iterator[scrapy.Request]:
        """The product's shop page, when the crawl reached the product without its shop."""
        if response.meta.get("with_shop") and product.get("shop_url"):
            yield self.follow(response, product["shop_url"], self.shop_kind, products=False)

    def shop_ok(self, response: Response, shop: dict[str, Any]) -> bool:
        if shop.get("shop_id") and shop.get("shop_name"):
            return True
        count_malformed(self.crawler, "no_shop", response.url, "no shop header")
        return False

    def product_ok(self, response: Response, product: dict[str, Any]) -> bool:
        if product.get("item_id") and product.get("title"):
            return True
        count_malformed(self.crawler, "no_product", response.url, "no item id or title")
        return False

    def parse_shop(self, response: Response) -> Iterator[scrapy.Request | ShopItem]:
        shop = self.extraction.shop(response.text, response.url)
        yield from self.follow_products(response, shop)
        if response.meta.get("shop_page_only") or not self.shop_ok(response, shop):
            return
        yield build_shop_item(shop, [capture(response)], self.shop_info_keys)

    def parse_item(self, response: Response) -> Iterator[scrapy.Request | ProductItem]:
        data = self.extraction.product(response.text, response.url)
        yield from self.follow_shop(response, data)
        if self.product_ok(response, data):
            yield build_product_item(data, [capture(response)])
