"""Stage 1: clean text fields, guess the category, build the rules `Document`."""

from __future__ import annotations

import re
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.items import ProductItem, ShopItem
from pipelines.envelope import Envelope
from rules.document import Attributes, Category, Document

_SPACE_RUN = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

# Words of a platform category segment → Document category. Segments are read from the
# deepest up ("医药保健>营养健康>维生素" is 保健食品, not 药品), and within a segment the
# medical categories are tried first.
_CATEGORY_WORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    ("药品", ("中西药", "药品", "处方药", "非处方药", "OTC", "用药", "中成药", "西药", "中药饮片")),
    ("医疗器械", ("医疗器械", "器械", "医用", "血压计", "血糖仪", "体温计", "制氧机", "助听器")),
    ("化妆品", ("化妆品", "美妆", "护肤", "彩妆", "面部护理", "洗发", "护发", "香水", "面膜", "口红", "身体护理")),
    ("保健食品", ("保健食品", "营养健康", "营养保健", "保健品", "膳食补充", "维生素")),
    ("食品", ("食品", "生鲜", "零食", "茶叶", "酒水", "粮油", "饮料", "冲调", "冲饮", "水果", "坚果")),
)
# A path that only says "medicine and health" in general cannot be placed.
_AMBIGUOUS_MEDICAL = ("医药", "保健", "健康")
# A category segment naming a kind of publication (出版管理条例 第二条: 报纸、期刊、图书、音像制品、
# 电子出版物), as book channels write it ("图书>文学>散文", "电子书", "童书").
_PUBLICATION = re.compile(r"^(图书|书籍|电子书|期刊|杂志|报纸|音像|音像制品|出版物|童书|教材|教辅|绘本)")


def _segments(path: str) -> list[str]:
    """The segments of a platform's category path ("医药保健>营养健康>维生素")."""
    return [seg.strip() for seg in re.split(r"[>›»/|]", path) if seg.strip()]


def is_publication(path: str | None) -> bool | None:
    """True when the platform's category path files the item as a publication; None otherwise
    (unknown, not "no")."""
    if path and any(_PUBLICATION.match(seg) for seg in _segments(path)):
        return True
    return None


def clean_text(text: str | None) -> str | None:
    """Collapse runs of blanks and blank lines; keep the characters themselves untouched so
    rule offsets still quote the page."""
    if text is None:
        return None
    text = _BLANK_LINES.sub("\n", _SPACE_RUN.sub(" ", text)).strip()
    return text or None


def guess_category(path: str | None, item: ProductItem | ShopItem) -> Category | None:
    if isinstance(item, ProductItem):
        if item.drug_approval_no or item.prescription is not None:
            return "药品"
        if item.device_licence_no:
            return "医疗器械"
        if item.cosmetic_filing_no:
            return "化妆品"
    if not path:
        return None
    for segment in reversed(_segments(path)):
        for category, words in _CATEGORY_WORDS:
            if any(word in segment for word in words):
                return category
    if any(word in path for word in _AMBIGUOUS_MEDICAL):
        return None
    return "普通商品"


def document_id(item: ProductItem | ShopItem) -> str:
    if isinstance(item, ShopItem):
        return f"{item.platform}:shop:{item.shop_id}"
    return f"{item.platform}:item:{item.item_id}"


def build_document(item: ProductItem | ShopItem) -> Document:
    fields: dict[str, str | None]
    if isinstance(item, ShopItem):
        fields = {"title": item.shop_name, "shop_info": item.shop_info, "licence_text": item.licence_text}
        attributes = Attributes(
            uscc=item.uscc,
            operator_name=item.operator_name,
            drug_licence_no=item.drug_licence_no,
            device_licence_no=item.device_licence_no,
            internet_drug_info_cert=item.internet_drug_info_cert,
            self_declaration=item.self_declaration,
        )
        kind = "shop"
    else:
        fields = {
            "title": item.title,
            "subtitle": item.subtitle,
            "description": item.description,
            "promo": "\n".join(p for p in item.promo if p),
            "price_text": item.price_text,
            "terms": item.terms,
        }
        attributes = Attributes(
            prescription=item.prescription,
            original_price=item.original_price,
            price=item.price,
            price_max=item.price_max,
            device_licence_no=item.device_licence_no,
            drug_approval_no=item.drug_approval_no,
            cosmetic_filing_no=item.cosmetic_filing_no,
            publication=is_publication(item.category),
        )
        kind = "product"
    cleaned = {name: text for name, value in fields.items() if (text := clean_text(value))}
    return Document(
        id=document_id(item),
        kind=kind,
        platform=item.platform,
        url=item.url,
        category=guess_category(item.category, item),
        fields=cleaned,
        options=list(item.options) if isinstance(item, ProductItem) else [],
        attributes=attributes,
    )


class NormalisePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalisePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Envelope):
            return item
        if not isinstance(item, ShopItem | ProductItem):
            # A plain dict from a spider: accept it if it fits one of our item models.
            adapter = ItemAdapter(item)
            data = adapter.asdict()
            item = ShopItem(**data) if "item_id" not in data else ProductItem(**data)
        kind = "shop" if isinstance(item, ShopItem) else "product"
        self.stats.inc_value(f"wangjian/items/{kind}")
        document = build_document(item)
        # Extraction coverage: how many items of each kind had each field (the console shows
        # it per crawl, so a layout change that empties a field is seen at once).
        attributes = document.attributes
        present = [*document.fields, *(k for k in type(attributes).model_fields if _given(getattr(attributes, k)))]
        for name in present:
            self.stats.inc_value(f"wangjian/fields/{kind}/{name}")
        return Envelope(item=item, document=document)


def _given(value: Any) -> bool:
    """Whether an attribute was read from the page (what model_dump would show as not None or "")."""
    return value is not None and value != ""
