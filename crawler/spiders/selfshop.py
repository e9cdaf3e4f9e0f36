"""Self-built shop websites (brand stores in the style of mia.com). Product and home pages are
server-rendered and fetched over plain HTTP; the operator's 营业执照 / ICP details come from
the footer. The checkout page's option defaults are set by script, so it is rendered in the
browser, its options read from the live DOM and its full-page screenshot kept.

Start points (spider arguments): ``-a start_urls=URL[,URL]`` (site registry, site home or
product URLs), ``-a keywords=k1,k2`` with ``-a base_url=`` (the platform root, e.g.
http://127.0.0.1:8800/selfshop).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import browser
from crawler.capture import capture
from crawler.items import ProductItem, ShopItem
from crawler.settings import PLAYWRIGHT_DOWNLOAD_HANDLERS
from crawler.spiders._common import absolute, clean, fill_from_labels, first, listing_links, parse_price, text_of
from crawler.spiders._platform import Extraction, PlatformSpider, build_product_item, build_shop_item, saved_item
from rules.document import Option

PLATFORM = "selfshop"
CHECKOUT_READY = "#J_orderOptions[data-ready]"
_ITEM_RE = re.compile(r"/item-(\d+)\.html$")
_SITE_RE = re.compile(r"/(\d+)/(?:index\.html)?$")
_COPYRIGHT_RE = re.compile(r"Copyright\s*©\s*\d{4}(?:\s*-\s*\d{4})?\s+(\S+?(?:公司|商行|经营部|合作社))")
_TITLE_TAIL_RE = re.compile(r"\s*【[^】]*】\s*-\s*([^-【】]+?)\s*$")
_PARAM_FIELDS = {"备案编号": "cosmetic_filing_no", "注册证编号": "device_licence_no", "批准文号": "drug_approval_no"}

#: Listing selectors: item links, shop links, next page.
_LISTING_LINKS = (
    "#J_goods .cell .p1 a::attr(href)",
    "#site-list .site-name a::attr(href)",
    ".pages a.next::attr(href)",
)


# ---- pure extraction ---------------------------------------------------------------------------


def page_kind(url: str) -> str:
    """item | checkout | home | listing, from the URL alone."""
    path = urlsplit(url).path
    if _ITEM_RE.search(path):
        return "item"
    if path.endswith("/checkout.html"):
        return "checkout"
    return "home" if _SITE_RE.search(path) else "listing"


def _site_name(sel: Selector) -> str | None:
    """The shop (site) name: the logo's title, else the `-<site>` tail of the <title>."""
    logo = sel.css("a.logo::attr(title)").get()
    if logo and logo.strip():
        return clean(logo)
    m = _TITLE_TAIL_RE.search(clean(sel.css("title::text").get()))
    return m[1] if m else None


def extract_operator(sel: Selector) -> dict[str, Any]:
    """Footer 亮照 lines: USCC after 营业执照, company from the copyright line, address."""
    block = sel.css("#J_operator") or sel.css(".Nlink")
    text = text_of(block, " ")
    lines = [text_of(span) for span in block.xpath("./span")] or [text_of(block, "\n")]
    out: dict[str, Any] = {"licence_text": first("\n".join(lines)) if "营业执照" in text else None}
    if m := re.search(r"营业执照[：:]\s*([0-9A-Za-z]+)", text):
        out["uscc"] = m[1]
    if m := _COPYRIGHT_RE.search(text):
        out["operator_name"] = m[1]
    out["operator_name"] = first(text_of(block.css(".company"))) or out.get("operator_name")
    out["address"] = first(text_of(block.css(".address")))
    return out


def _service_tips(sel: Selector) -> list[str]:
    """The 提示 / 包邮 lines under the price box (the after-sale terms when no notice block)."""
    return [
        f"{text_of(dl.css('dt'))}：{text_of(dl.css('dd'))}" for dl in sel.css(".pbox_pms dl") if text_of(dl.css("dd"))
    ]


def extract_product(html: str, url: str) -> dict[str, Any]:
    """Fields of a mia.com-style product page (fixture sites and saved mia.com pages)."""
    sel = Selector(text=html, type="html")
    params: dict[str, str] = {}
    for li in sel.css(".datacon li"):
        key = text_of(li.css("b")).rstrip(":：")
        value = clean("".join(li.xpath("./text()[not(ancestor::b)] | ./*[not(self::b)]//text()").getall()))
        if key and key not in params:
            params[key] = value
    title_tag = clean(sel.css("title::text").get())
    title = first(
        params.get("商品名称"), _TITLE_TAIL_RE.sub("", title_tag) if _TITLE_TAIL_RE.search(title_tag) else None
    )
    m = _ITEM_RE.search(urlsplit(url).path)
    item_id = sel.css("#item_id::attr(value)").get() or (m[1] if m else None)
    price = parse_price(text_of(sel.css("#item_price")))
    market = parse_price(text_of(sel.css(".pbox_market del")))
    original = market if market is not None and price is not None and market > price else None
    segs = [text_of(a) for a in sel.css(".breadCrumbs a[title^='分类']")]
    category = ">".join(s.replace("-", ">") for s in segs if s) or None
    checkout = sel.css("#J_buyNow::attr(href)").get()
    home = sel.css(".breadCrumbs a::attr(href)").get() or sel.css("a.logo::attr(href)").get()
    site = _SITE_RE.search(urlsplit(absolute(url, home)).path) if home else None
    out: dict[str, Any] = {
        "platform": PLATFORM, "item_id": item_id, "url": url, "title": title,
        "subtitle": first(text_of(sel.css(".titlecon .sub_title")), text_of(sel.css(".titlecon .left"), " ")),
        "shop_id": sel.css("body::attr(data-shop-id)").get() or (site[1] if site else None),
        "shop_name": _site_name(sel), "category": category,
        "promo": [t for t in (text_of(d, "") for d in sel.css("#i_youhui .iyh_quan")) if t],
        "price": price, "original_price": original,
        "price_text": None if price is None else f"¥{price:.2f}" + (f" 原价¥{original:.2f}" if original else ""),
        "description": first("\n".join(text_of(p) for p in sel.css(".detail_txt p, .pointOfView p"))),
        "terms": first("\n".join(text_of(p) for p in sel.css(".notice_txt p")), "\n".join(_service_tips(sel))),
        # 商品详情 pictures (lazy-loaded: the address waits in data-src), in page order.
        "detail_image_urls": _detail_images(sel, url),
        "checkout_url": absolute(url, checkout) if checkout and not checkout.startswith("javascript") else None,
        "shop_url": absolute(url, home) if home else None,
    }  # fmt: skip
    out["promo"] = [re.sub(r"^[惠券团]\s*", "", t, count=1) for t in out["promo"]]
    return fill_from_labels(out, params, _PARAM_FIELDS)


def _detail_images(sel: Selector, url: str) -> list[str]:
    """商品详情 pictures in page order; lazy-loaded ones keep their address in data-src while
    src holds a placeholder."""
    out = []
    for img in sel.css(".datacon .detail_txt ~ img"):
        src = img.attrib.get("data-src") or img.attrib.get("src") or ""
        if src and not src.startswith("data:"):
            out.append(absolute(url, src))
    return list(dict.fromkeys(out))


def extract_checkout(html: str, url: str) -> dict[str, Any]:
    """Options of the 确认订单 page with the `checked` state the HTML carries (the spider
    replaces it by the live DOM state) and the input name of each."""
    sel = Selector(text=html, type="html")
    options, inputs = [], []
    for li in sel.css("#J_orderOptions li.opt-item"):
        options.append(
            Option(
                label=text_of(li.css(".opt-name")),
                checked=bool(li.css("input[checked]")),
                price=parse_price(li.attrib.get("data-price")),
            )
        )
        inputs.append(li.css("input::attr(name)").get() or "")
    item_id = (
        sel.css(".order-goods::attr(data-item-id)").get() or (parse_qs(urlsplit(url).query).get("item_id") or [None])[0]
    )
    return {"item_id": item_id, "options": options, "option_inputs": inputs}


def extract_home(html: str, url: str) -> dict[str, Any]:
    sel = Selector(text=html, type="html")
    m = _SITE_RE.search(urlsplit(url).path)
    notice = first(text_of(sel.css("#J_notice")))
    out: dict[str, Any] = {
        "platform": PLATFORM, "url": url, "shop_id": sel.css("body::attr(data-shop-id)").get() or (m[1] if m else None),
        "shop_name": _site_name(sel), **extract_operator(sel),
    }  # fmt: skip
    out["shop_info"] = "\n".join(x for x in (notice, out.get("licence_text")) if x) or None
    out.update(extract_listing(html, url))
    return out


def extract_listing(html: str, url: str) -> dict[str, Any]:
    """Item, shop and next-page links."""
    return listing_links(Selector(text=html, type="html"), url, *_LISTING_LINKS)


def extract_page(html: str | bytes, url: str) -> list[dict[str, Any]]:
    """Items on a saved page as JSON-ready dicts: a product page gives the product, a checkout
    page its options (checked as the HTML says), a site home the shop; [] for listings."""
    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    if 'id="J_orderOptions"' in text:
        data = extract_checkout(text, url)
        return [{"platform": PLATFORM, "item_id": data["item_id"], "url": url,
                 "options": [o.model_dump() for o in data["options"]]}]  # fmt: skip
    if 'id="item_price"' in text or 'class="pi_price_box"' in text or page_kind(url) == "item":
        return saved_item(build_product_item(extract_product(text, url)))
    if 'id="J_operator"' in text or page_kind(url) == "home":
        return saved_item(build_shop_item(extract_home(text, url)))
    return []


# ---- spider ----------------------------------------------------------------------------------


class SelfshopSpider(PlatformSpider):
    name = "selfshop"
    platform = PLATFORM
    extraction = Extraction(page_kind, extract_product, extract_home, extract_listing, extract_page)
    custom_settings = {"DOWNLOAD_HANDLERS": PLAYWRIGHT_DOWNLOAD_HANDLERS}
    shop_kind = "home"
    shop_info_keys = ()  # extract_home joins the shop_info itself

    def start_point(self, url: str) -> tuple[str, str]:
        """A checkout URL starts from its product page (the checkout needs the product)."""
        if page_kind(url) == "checkout":
            return url.replace("/checkout.html?item_id=", "/item-").split("&")[0] + ".html", "item"
        return super().start_point(url)

    def parse_home(self, response: Response) -> Iterator[scrapy.Request | ShopItem]:
        yield from self.parse_shop(response)

    def parse_item(self, response: Response) -> Iterator[scrapy.Request | ProductItem]:
        data = extract_product(response.text, response.url)
        if not self.product_ok(response, data):
            return
        yield from self.follow_shop(response, data)
        page = capture(response)
        if not data.get("checkout_url"):
            yield build_product_item(data, [page])
            return
        yield scrapy.Request(
            data["checkout_url"],
            callback=self.parse_checkout,
            errback=self.checkout_failed,
            meta=browser.render_meta(CHECKOUT_READY, form_state=True, product=data, item_page=page),
        )

    async def parse_checkout(self, response: Response) -> AsyncIterator[ProductItem]:
        rendered = await browser.finish(response, self.crawler.stats)
        data = dict(response.meta["product"])
        order = extract_checkout(response.text, response.url)
        live = browser.form_state(response)
        if not live:
            self.crawler.stats.inc_value("wangjian/checkout_state_missing")
        data["options"] = [
            o.model_copy(update={"checked": live.get(name, o.checked)})
            for o, name in zip(order["options"], order["option_inputs"], strict=True)
        ]
        yield build_product_item(data, [response.meta["item_page"], browser.browser_capture(response, rendered)])

    async def checkout_failed(self, failure: Failure) -> AsyncIterator[ProductItem]:
        await browser.abandon(failure, self.crawler.stats)
        self.crawler.stats.inc_value("wangjian/checkout_failed")
        self.logger.warning("checkout render failed: %s", failure.getErrorMessage())
        meta = failure.request.meta  # type: ignore[attr-defined]
        yield build_product_item(meta["product"], [meta["item_page"]])
