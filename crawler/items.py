"""Items the spiders yield. Spiders only extract: these carry what the page said, plus the
page capture the evidence stage stores. Pydantic models, handled by Scrapy through itemadapter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rules.document import Option


class PageCapture(BaseModel):
    """One page exactly as fetched: the raw material of electronic evidence."""

    model_config = ConfigDict(extra="forbid")

    url: str  # as requested
    final_url: str
    redirect_chain: list[str] = Field(default_factory=list)
    status: int = 200
    headers: dict[str, list[str]] = Field(default_factory=dict)
    body: bytes = b""  # raw bytes as served, never re-encoded
    encoding: str | None = None
    fetch_start: datetime
    fetch_end: datetime
    method: Literal["http", "browser"] = "http"
    user_agent: str | None = None
    browser_version: str | None = None
    screenshot: bytes | None = None  # full-page PNG when rendered
    rendered_html: bytes | None = None  # the DOM after scripts ran (UTF-8), when rendered


class ShopItem(BaseModel):
    """A shop (经营主体) with what it displays about its operator and licences."""

    model_config = ConfigDict(extra="forbid")

    platform: str
    shop_id: str
    shop_name: str | None = None
    url: str
    category: str | None = None  # platform's own category of the shop, if shown
    shop_info: str | None = None  # 公示 / 证照信息 text
    licence_text: str | None = None  # text of the licence block or image, when known
    # Licence / qualification pictures (营业执照, 许可证 …), absolute URLs in page order.
    licence_image_urls: list[str] = Field(default_factory=list)
    uscc: str | None = None
    operator_name: str | None = None
    address: str | None = None
    drug_licence_no: str | None = None
    device_licence_no: str | None = None
    internet_drug_info_cert: str | None = None
    self_declaration: str | None = None
    pages: list[PageCapture] = Field(default_factory=list)


class ProductItem(BaseModel):
    """A product (经营客体) with its marketing text, prices and checkout options."""

    model_config = ConfigDict(extra="forbid")

    platform: str
    item_id: str
    url: str
    shop_id: str | None = None
    shop_name: str | None = None
    category: str | None = None  # platform category path as shown, e.g. "美妆护肤>面部护理"
    title: str | None = None
    subtitle: str | None = None
    description: str | None = None
    promo: list[str] = Field(default_factory=list)
    price_text: str | None = None
    price: float | None = None
    original_price: float | None = None
    terms: str | None = None
    options: list[Option] = Field(default_factory=list)
    prescription: bool | None = None
    drug_approval_no: str | None = None  # 国药准字…
    device_licence_no: str | None = None  # 械注准… / 械备…
    cosmetic_filing_no: str | None = None  # 妆网备字… / 国妆特字…
    # Qualification pictures shown on the item page and the 详情 image column, absolute URLs
    # in page order: what pages say only in pictures is read from these.
    licence_image_urls: list[str] = Field(default_factory=list)
    detail_image_urls: list[str] = Field(default_factory=list)
    pages: list[PageCapture] = Field(default_factory=list)
