"""A platform defined outside the project's trees, as a newcomer's first one would be: a
fixture platform that renders the world's shops and products as minimal pages under `/toy/`,
and the spider that reads them. Importing this module registers both."""

from __future__ import annotations

import re
from html import escape
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler.spiders._platform import Extraction, PlatformSpider
from fixtures.entities import Product, Shop
from fixtures.platforms import FixturePlatform, Reply, Request, register
from fixtures.platforms._routing import entity_paths, keyword_search_path
from fixtures.world import World

KEY = "toy"
_SHOP = re.compile(r"^/shop/(\d+)$")
_ITEM = re.compile(r"^/item/(\d+)$")

# ---- the fixture platform ----------------------------------------------------------------------

start_paths, shop_path, item_path = entity_paths("/shops", "/shop/{shop_id}", "/item/{item_id}")


def _page(title: str, body: str) -> str:
    head = f'<meta charset="utf-8"><title>{escape(title)}</title>'
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def _links(css_class: str, prefix: str, pairs: list[tuple[str, str]]) -> str:
    return "".join(f'<li><a class="{css_class}" href="{prefix}{path}">{escape(text)}</a></li>' for path, text in pairs)


def _shop_page(world: World, req: Request, shop: Shop) -> str:
    links = _links("item", req.prefix, [(item_path(p), p.title) for p in world.products_of(shop)])
    head = f'<h1 class="shop-name" data-shop-id="{shop.shop_id}">{escape(shop.name)}</h1>'
    return _page(shop.name, f"{head}<ul>{links}</ul>")


def _item_page(world: World, req: Request, product: Product) -> str:
    shop = world.shop(KEY, product.shop_id)
    assert shop is not None
    return _page(
        product.title,
        f'<div class="goods" data-item-id="{product.item_id}" data-shop-id="{shop.shop_id}">'
        f'<h1 class="title">{escape(product.title)}</h1><p class="price">¥{product.price:.2f}</p>'
        f'<a class="shop" href="{req.prefix}{shop_path(shop)}">{escape(shop.name)}</a></div>',
    )


def route(world: World, req: Request) -> Reply | None:
    if req.path == "/shops":
        links = _links("shop", req.prefix, [(shop_path(s), s.name) for s in world.shops[KEY]])
        return Reply(_page("店铺列表", f"<ul>{links}</ul>"))
    if m := _SHOP.match(req.path):
        shop = world.shop(KEY, m[1])
        return Reply(_shop_page(world, req, shop)) if shop else None
    if m := _ITEM.match(req.path):
        product = world.product(KEY, m[1])
        return Reply(_item_page(world, req, product)) if product else None
    return None


FIXTURE = register(FixturePlatform(
    KEY, route, start_paths, shop_path, item_path, keyword_search_path, categories=("普通商品",), id_base=900_000_000
))  # fmt: skip

# ---- the spider -----------------------------------------------------------------------------------


def page_kind(url: str, html: str = "") -> str:
    path = urlsplit(url).path
    return "item" if "/item/" in path else "shop" if "/shop/" in path else "listing"


def extract_listing(html: str, url: str) -> dict[str, Any]:
    links = Selector(text=html).css("a.shop::attr(href)").getall()
    return {"item_urls": [], "shop_urls": [urljoin(url, u) for u in links], "next_url": None}


def extract_shop(html: str, url: str) -> dict[str, Any]:
    sel = Selector(text=html)
    return {
        "platform": KEY,
        "url": url,
        "shop_id": sel.css("h1.shop-name::attr(data-shop-id)").get(),
        "shop_name": sel.css("h1.shop-name::text").get(),
        "item_urls": [urljoin(url, u) for u in sel.css("a.item::attr(href)").getall()],
        "next_url": None,
    }


def extract_product(html: str, url: str) -> dict[str, Any]:
    sel = Selector(text=html)
    price = sel.css("p.price::text").get()
    return {
        "platform": KEY,
        "url": url,
        "item_id": sel.css("div.goods::attr(data-item-id)").get(),
        "shop_id": sel.css("div.goods::attr(data-shop-id)").get(),
        "title": sel.css("h1.title::text").get(),
        "price": float(price.lstrip("¥")) if price else None,
        "price_text": price,
        "shop_name": sel.css("a.shop::text").get(),
        "shop_url": urljoin(url, sel.css("a.shop::attr(href)").get() or ""),
    }


class ToySpider(PlatformSpider):
    name = KEY
    platform = KEY
    extraction = Extraction(page_kind, extract_product, extract_shop, extract_listing)
