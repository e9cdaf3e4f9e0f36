"""Small helpers shared by the platform spiders: argument parsing, text and price cleanup."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.cssselect import CSSSelector
from parsel import Selector, SelectorList

_PRICE_RE = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)")
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def absolute(base: str, ref: str) -> str:
    """`ref` made absolute against the page URL; protocol-relative references ("//img…",
    "//shop123.taobao.com") on a page saved to disk take https, as the page had when it was
    served (joined to a file: URL they would name a file)."""
    ref = ref.strip()
    if ref.startswith("//") and not base.startswith(("http:", "https:")):
        return "https:" + ref
    return urljoin(base, ref)


def split_arg(value: str | Iterable[str] | None) -> list[str]:
    """`-a start_urls=a,b` → ["a", "b"]; lists pass through (CrawlerProcess kwargs)."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [x.strip() for x in items if x and x.strip()]


def clean(text: str | None) -> str:
    """Collapse runs of spaces inside lines, drop blank lines."""
    if not text:
        return ""
    lines = (_SPACE_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


#: What a lazily loaded block says before its script fills it ("描述加载中", "商品介绍加载中...").
_LOADING = re.compile(r"[\u4e00-\u9fa5]{0,6}加载中[.。…]*")


def loaded(text: str | None) -> str | None:
    """`text`, or None when it is only the placeholder of a block that never loaded."""
    return None if text and _LOADING.fullmatch(text.strip()) else text


def text_of(sel: Selector | SelectorList, sep: str = "") -> str:
    """All text under the selection (scripts and styles excluded), cleaned."""
    nodes = sel if isinstance(sel, SelectorList) else [sel]
    parts = []
    for node in nodes:
        parts += node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    return clean(sep.join(parts))


def first(*values: str | None) -> str | None:
    for v in values:
        if v and v.strip():
            return clean(v)
    return None


def parse_price(text: str | None) -> float | None:
    if not text:
        return None
    m = _PRICE_RE.search(text.replace("￥", " ").replace("¥", " "))
    if not m:
        return None
    value = float(m[1].replace(",", ""))
    return value if value >= 0 else None


def js_string(script: str, key: str) -> str | None:
    """The value of `key: '…'` / `key: "…"` in an inline script, \\u-escapes decoded."""
    m = re.search(rf"""\b{re.escape(key)}\s*:\s*(['"])((?:\\.|(?!\1).)*)\1""", script)
    if not m:
        return None
    raw = m[2] if m[1] == '"' else m[2].replace("\\'", "'").replace('"', '\\"')
    try:
        return json.loads('"' + raw + '"')
    except json.JSONDecodeError:
        return raw


@lru_cache(maxsize=512)
def _compiled(css: str) -> CSSSelector:
    return CSSSelector(css, translator="html")


#: Where pages put a picture's real address before it is loaded, most specific first.
LAZY_IMAGE_ATTRS = ("data-ks-lazyload", "data-lazyload", "data-original", "data-src", "data-lazy-src", "src")
#: What a lazy-load attribute holds once a script loaded the picture ("done": JD) instead of an address.
_LOADED_MARK = re.compile(r"(?i)done|true|false|loaded|complete|1|0")
#: Pictures that decorate a page rather than show the product: icons, sprites, logos, spacers,
#: loading placeholders, avatars; and square thumbnails named by their size (``-24-24.png``, ``_60x60q90.jpg``).
_DECORATION = re.compile(
    r"(?i)icon|sprite|logo|spacer|blank\.|loading|placeholder|avatar|grey\.gif|"
    r"(?<![0-9])[-_x]([1-9][0-9])[-x]\1(?:q\d+)?\.(?:png|jpe?g|gif|webp)|"
    # vector glyphs of the page's own interface, and the picture of a captcha form
    r"\.svg(?:$|[?#\s])|vcode|captcha|checkcode|verifycode"
)
_SMALL = 100  # pixels: a picture this narrow or low is an icon, not a product picture
#: the size Alibaba's picture service writes into a file name (``…-2-tps-120-64.png``; in its older
#: ``/tps/`` folder at the end of the name, ``/tps/TB1uibq…XX-80-14.png``, Taobao's 海量新品 badge)
_NAMED_SIZE = re.compile(r"(?:-tps-|/tps/(?:[^/]+/)*[^/]*?-)(\d+)-(\d+)\.")


def picture_address(value: str) -> bool:
    """Whether an image attribute's value is an address: not empty, not a ``data:``
    placeholder, not the mark a loader leaves once it is done."""
    return bool(value) and not value.startswith("data:") and not _LOADED_MARK.fullmatch(value)


def lazy_src(img: Any) -> str:
    """A picture's address: the first lazy-load attribute that holds one, else `src` ("" when
    none)."""
    return next((v for attr in LAZY_IMAGE_ATTRS if picture_address(v := (img.get(attr) or "").strip())), "")


def is_decoration(img: Any, src: str) -> bool:
    """Whether a picture decorates the page (an icon, logo, sprite, spacer …) rather than
    showing the product: by its address, class or alt text, or a width or height (attribute,
    or the size a picture service wrote into the file name) under 100 pixels."""
    marks = " ".join(filter(None, (src.rsplit("/", 1)[-1], img.get("class"), img.get("alt"))))
    if _DECORATION.search(marks):
        return True
    if (named := _NAMED_SIZE.search(src)) and min(int(named[1]), int(named[2])) < _SMALL:
        return True
    for attr in ("width", "height"):
        size = re.match(r"\s*(\d+)\s*(?:px)?\s*$", img.get(attr) or "")
        if size and int(size[1]) < _SMALL:
            return True
    return False


_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]")


class Doc:
    """A parsed page with an id index, so lookups can search the small subtree under an id
    instead of scanning the whole document for every selector (the cost that dominates
    extraction on 100 KB item pages)."""

    def __init__(self, html: str) -> None:
        self.root = Selector(text=html, type="html").root
        self.ids = {e.get("id"): e for e in self.root.iter() if isinstance(e.tag, str) and e.get("id")}

    def css(self, css: str, within: str | None = None) -> list[etree._Element]:
        if within is None:
            return _compiled(css)(self.root)
        scope = self.ids.get(within)
        return _compiled(css)(scope) if scope is not None else []

    def text(self, css: str, within: str | None = None, sep: str = "") -> str:
        return clean(sep.join(t for el in self.css(css, within) for t in _TEXT(el)))

    def id_text(self, id_: str, sep: str = "") -> str:
        """Text of the element with this id (empty when absent)."""
        el = self.ids.get(id_)
        return clean(sep.join(_TEXT(el))) if el is not None else ""

    def texts(self, css: str, within: str | None = None) -> list[str]:
        return [t for t in (clean("".join(_TEXT(el))) for el in self.css(css, within)) if t]

    def images(self, within: str, url: str) -> list[str]:
        """Absolute addresses of the pictures under the element with id `within`, in page
        order; lazy-loading attributes before `src` (which often holds a placeholder)."""
        scope = self.ids.get(within)
        if scope is None:
            return []
        out = []
        for img in scope.iter("img"):
            if (src := lazy_src(img)) and not is_decoration(img, src):
                out.append(absolute(url, src))
        return list(dict.fromkeys(out))

    def attr(self, css: str, name: str, within: str | None = None) -> str | None:
        for el in self.css(css, within):
            if el.get(name):
                return el.get(name)
        return None


def first_of(*getters: Callable[[], str | None]) -> str | None:
    """The first non-blank value, evaluating the (possibly costly) getters lazily."""
    for get in getters:
        value = get()
        if value and value.strip():
            return clean(value)
    return None


def listing_links(sel: Selector, url: str, items: str, shops: str, next_page: str) -> dict[str, Any]:
    """Absolute item and shop links and the next page of a listing, from `::attr(href)`
    selectors."""
    nxt = sel.css(next_page).get()
    return {
        "item_urls": [absolute(url, h) for h in sel.css(items).getall()],
        "shop_urls": [absolute(url, h) for h in sel.css(shops).getall()],
        "next_url": absolute(url, nxt) if nxt else None,
    }


def fill_from_labels(
    out: dict[str, Any], labelled: dict[str, str], fields: dict[str, str], overwrite: bool = True
) -> dict[str, Any]:
    """Copy the values of `labelled` (a page's label → value table) into `out` under the item
    fields `fields` maps the labels to; with `overwrite` off a field already set is kept."""
    for label, key in fields.items():
        if labelled.get(label) and (overwrite or not out.get(key)):
            out[key] = labelled[label]
    return out
