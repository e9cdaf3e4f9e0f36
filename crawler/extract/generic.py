"""The generic reader, for platforms and self-built shops without a learned layout, and to fill
what a layout missed. Strategies, most trusted first, each field taking the first that finds
it: structured data (JSON-LD, microdata, OpenGraph; for a JSON interface response, the
product object it holds, `api_json`), labelled values ("店铺：…", "批准文号：…"
as text or as a label cell beside its value), the drug facts that Chinese law makes pharmacies
show, the largest heading, the price nearest the title, the <title> tag.

Labels are read for what they are: 店铺 / 掌柜 / 卖家 name a shop, 公司名称 / 企业名称 / 商家 /
经营者 name the company operating it, which is a different fact (the company is what a licence
check needs; the shop is what a buyer sees)."""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from crawler.extract import api_json, structured
from crawler.extract.result import Reading, absolute, price_range
from crawler.spiders._common import LAZY_IMAGE_ATTRS, clean, is_decoration, picture_address

#: label → field. Order matters only for readability; labels are matched whole.
LABELS: dict[str, str] = {
    **dict.fromkeys(("店铺", "店铺名称", "店铺名", "店名", "掌柜", "卖家", "商铺", "商铺名称", "网店名称"),
                    "shop_name"),
    **dict.fromkeys(("公司名称", "企业名称", "商家", "商家名称", "经营者", "经营者名称", "经营主体", "经营企业",
                     "公司", "单位名称", "主体名称"), "operator_name"),
    **dict.fromkeys(("批准文号", "国药准字", "药品批准文号"), "drug_approval_no"),
    **dict.fromkeys(("注册证编号", "医疗器械注册证编号", "注册证号", "注册证/备案凭证编号", "备案凭证编号",
                     "医疗器械注册证编号或者备案凭证编号", "医疗器械注册证号", "医疗器械备案凭证编号"),
                    "device_licence_no"),
    **dict.fromkeys(("化妆品备案编号", "备案编号", "化妆品备案编号/注册证号", "特殊化妆品注册证编号",
                     "国产普通化妆品备案编号", "进口普通化妆品备案编号"), "cosmetic_filing_no"),
    **dict.fromkeys(("规格", "包装规格", "产品规格", "药品规格", "规格型号"), "spec"),
    **dict.fromkeys(("通用名称", "通用名", "药品通用名"), "generic_name"),
    **dict.fromkeys(("商品名称", "产品名称", "药品名称", "品名"), "product_name"),
    **dict.fromkeys(("生产企业", "生产厂家", "生产厂商", "生产单位", "厂家", "上市许可持有人"), "manufacturer"),
    **dict.fromkeys(("价格", "售价", "现价", "会员价", "促销价", "优惠价", "一口价", "本站价", "商城价", "销售价",
                     "零售价", "抢购价", "到手价"), "price_label"),
    **dict.fromkeys(("市场价", "原价", "参考价", "专柜价", "吊牌价", "建议零售价"), "original_price_label"),
    **dict.fromkeys(("统一社会信用代码", "营业执照注册号", "营业执照"), "uscc"),
    **dict.fromkeys(("互联网药品信息服务资格证书", "互联网药品信息服务资格证书编号", "互联网药品信息服务资格证",
                     "互联网药品信息服务"), "internet_drug_info_cert"),
    **dict.fromkeys(("药品经营许可证", "药品经营许可证编号"), "drug_licence_no"),
    **dict.fromkeys(("药品类型", "处方类型", "药品分类", "处方药/非处方药", "是否处方药", "药品类别", "产品类型"),
                    "rx_label"),
}  # fmt: skip
_LABEL_ALTERNATIVES = "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True))
_LABEL_RE = re.compile(r"^\s*(" + _LABEL_ALTERNATIVES + r")\s*[：:]\s*(.*)$", re.S)
_NEXT_LABEL = re.compile(r"\s(?:" + _LABEL_ALTERNATIVES + r")\s*[：:]")
_LABEL_TAGS = {"dt", "th", "td", "li", "p", "span", "div", "label", "em", "b", "strong", "dd", "i", "font", "h3", "h4"}
_APPROVAL_RE = re.compile(r"国药准字\s*[A-Z]\s*\d{8}|(?:[国进]药|医药产品注册证)[^\s，。,]{0,4}[A-Z]\d{8}")
_CERT_RE = re.compile(r"[（(]\s*[\u4e00-\u9fa5]{1,2}\s*[)）]\s*-\s*(?:非经营性|经营性)\s*-\s*\d{4}\s*-\s*\d{3,5}")
_ONLINE_DRUG_RE = re.compile(r"药品网络(?:销售|交易服务)[^\n：:]{0,8}[：:]\s*([^\s|，,]{4,40})")
_USCC_RE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_PRICE_RE = re.compile(r"[¥￥]\s*\d+(?:,\d{3})*(?:\.\d+)?(?:\s*[-~～]\s*[¥￥]?\s*\d+(?:\.\d+)?)?|\d+(?:\.\d{1,2})\s*元")
_RX_WARNING = re.compile(r"处方药须凭处方|凭处方(?:购买|在药师)|本品为处方药|需凭处方|需要处方|上传处方|问诊开方")
_TITLE_SPLIT = re.compile(r"\s*(?:[-_|–—]|【)\s*")
_OWN_PRICE_RE = re.compile(r"[\u4e00-\u9fa5\dA-Za-z]{2,3}价")
_NOT_PRICE_RE = re.compile(r"[评降差比报估议调涨物定]价$")
_TITLE_TAIL = re.compile(r"\s*(?:价格|多少钱|报价|说明书|作用|功效|怎么样)+$")
_DETAIL_HINT = re.compile(r"desc|detail|intro|content|J_DivItemDesc|description|spxq|goods-?info", re.I)
#: Blocks inside a page's detail area whose pictures are not the description: the main picture
#: gallery and its thumbnails (Tmall/Taobao ``#J_UlThumb`` / ``#J_ImgBooth``, Tmall H5
#: ``#s-showcase``, JD ``#spec-list`` /
#: ``#spec-n1``), buyers' reviews and their photos (口碑, ``wordOfMouth``), recommendations (JD's
#: ``#shop-reco`` / ``shopRec-content``: other items' thumbnails), footers, logos, and the top of
#: the page around the title (JD's ``product-intro`` / ``sku-name`` carry badges such as 京东物流)
#: and the cart drop-down's ``mini-product-info``.
_GALLERY_HINT = re.compile(
    r"J_UlThumb|J_ImgBooth|tb-gallery|tb-thumb|spec-list|spec-n1|preview|thumb|gallery|showcase|"
    r"booth|swiper|carousel|banner|comment|review|koubei|wordofmouth|recommend|shop-?rec|guess|footer|"
    r"logo|product-intro|sku-name|mini-product",
    re.I,
)
#: What a product page must give: the inline data of its scripts is read when one is missing.
_NAMING_FIELDS = ("title", "price", "shop_name")
#: A shop's name in a block named for it, whatever the case and separators (AliExpress
#: ``h3.store-name``, ``span.shopName``, ``data-role="store-name"`` …): the names are matched in
#: Python, which is several times faster than folding case in XPath over every element.
_NAMING_ATTRIBUTES = etree.XPath("//@class | //@data-role")
_SHOP_BLOCK_NAME = re.compile(r"(?:store|shop)[-_]?name", re.I)
#: A price marked up with schema.org's ``itemprop`` outside any ``itemscope`` (which the
#: microdata reader needs): ``<span class="product-price-value" itemprop="price">€ 97,39 - 128,72</span>``.
_ITEMPROP_PRICE = etree.XPath("//*[@itemprop='price']")
_LICENCE_HINT = re.compile(r"营业执照|许可证|资格证|资质|执照|证照|备案凭证|licen[cs]e|cert|zizhi|zhizhao", re.I)
_COMPANY = r"([\u4e00-\u9fa5（）()]{2,40}?(?:有限责任公司|股份有限公司|有限公司|股份公司))"
#: The operator's company in a footer's copyright line: "Copyright © 2016 北京某某商贸有限公司 …",
#: "© 2012-2024 某某大药房连锁有限公司", "Copyright@2017 某某科技（武汉）有限公司版权所有", "版权所有：某某
#: 股份有限公司", "某某医药有限公司 版权所有". A shop name is not a company.
_COPYRIGHT_RE = re.compile(
    r"(?:©|Copyright|版权所有)\s*(?:©|@|\(c\)|[：:])?\s*(?:\d{4}(?:\s*[-–~至]\s*\d{4})?\s*年?)?\s*"
    + _COMPANY
    + r"|"
    + _COMPANY
    + r"\s*(?:©\s*)?版权所有",
    re.I,
)
#: Platforms whose footer names the shop's own operator (on a marketplace it names the marketplace).
_OWN_FOOTER = frozenset({"generic", "pharmacy", "selfshop"})
_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")
#: A page's own footer: a <footer> or a block whose id or class names one (JD ``#GLOBAL_FOOTER``,
#: Tmall ``#footer``, 1688 ``footer-main``), at most five levels into <body>. Deeper blocks so named
#: are parts of the content (a collapsible section's ``collapse-footer``, a listing card's hover
#: footer). One path per level: the parser then never walks the deep content at all.
_FOOTER_MARK = (
    "[self::footer or contains(translate(@id, 'FOTER', 'foter'), 'footer')"
    " or contains(translate(@class, 'FOTER', 'foter'), 'footer')]"
)
_PAGE_FOOTERS = etree.XPath(" | ".join("/html/body" + "/*" * depth + _FOOTER_MARK for depth in range(1, 6)))


def parse(html: str) -> Any:
    """An lxml tree of the page (an empty document when there is nothing to parse). Markup that
    waits in a hidden <textarea> until the page scrolls to it (a lazy-loading pattern of
    Taobao-era pages: descriptions, product grids) is parsed in place, as a browser shows it."""
    try:
        root = lxml_html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        return lxml_html.document_fromstring("<html></html>")
    for area in list(root.iter("textarea")):
        inner = area.text or ""
        if "<" not in inner or area.getparent() is None:
            continue
        try:
            parts = lxml_html.fragments_fromstring(inner)
        except (etree.ParserError, ValueError):
            continue
        box = lxml_html.Element("div", {"class": "lazy-textarea"})
        for part in parts:
            if isinstance(part, str):
                box.text = (box.text or "") + part
            else:
                box.append(part)
        box.tail = area.tail
        area.getparent().replace(area, box)
    return root


def text_of(el: Any) -> str:
    return clean("".join(_TEXT(el)))


_BLOCKS = frozenset({"p", "div", "li", "dt", "dd", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul",
                     "ol", "dl", "section", "article", "header", "footer", "td", "th"})  # fmt: skip


_SOURCE_BREAK = re.compile(r"[ \t\r\f\v]*\n\s*")


def lines_of(el: Any) -> str:
    """Text of an element with a line break at each block boundary (so that "label：value"
    pairs in adjacent paragraphs stay apart), scripts and styles left out. Line breaks of the
    markup's source inside a text are spaces, as a browser shows them ("规 格：⏎ 47.5mg×4板&nbsp;/⏎
    盒<br>" is one line)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript"):
            return
        if node.tag in _BLOCKS:
            parts.append("\n")
        parts.append(_SOURCE_BREAK.sub(" ", node.text or ""))
        for child in node:
            walk(child)
            parts.append(_SOURCE_BREAK.sub(" ", child.tail or ""))
        if node.tag in _BLOCKS:
            parts.append("\n")

    walk(el)
    return clean("".join(parts))


def drop_page_footers(root: Any) -> None:
    """Take the page's footer out of `root`. On a marketplace the footer is the marketplace's:
    its licences (JD's and Alibaba's own 互联网药品信息服务 certificates, ICP and food-platform
    filings) and its company are not the seller's, and read as facts of the product they would
    put the platform's credentials on a shop that shows none."""
    for footer in _PAGE_FOOTERS(root):
        if footer.getparent() is not None:
            footer.drop_tree()


def page_text(root: Any) -> str:
    body = root.find("body")
    return text_of(body if body is not None else root)


def _label(text: str) -> str | None:
    """The label a text is, spaces inside ignored ("会  员  价：" → 会员价), else None. A shop's
    own price name ("健客价", "京东价") is a price label."""
    key = re.sub(r"\s+", "", text).rstrip("：:")
    if key in LABELS:
        return key
    return "价格" if _OWN_PRICE_RE.fullmatch(key) and not _NOT_PRICE_RE.search(key) else None


def _value_beside(label: Any) -> str:
    """The value in the element after a label element; a lone currency sign there takes the
    number after it along ("健客价" "￥" "58.00")."""
    nxt = _element_beside(label, "next")
    value = text_of(nxt) if nxt is not None else ""
    if value in ("¥", "￥") and (after := _element_beside(nxt, "next")) is not None:
        value += text_of(after)
    return value


def _element_beside(el: Any, side: str) -> Any:
    """The element after (``"next"``) or before (``"previous"``) `el`, over comments and
    processing instructions."""
    step = f"get{side}"
    found = getattr(el, step)()
    while found is not None and not isinstance(found.tag, str):
        found = getattr(found, step)()
    return found


def labelled_values(root: Any) -> dict[str, str]:
    """Field → value from "label：value" lines (several may share an element, one per line; a
    value may sit on the line after its label) and from label cells beside their value cell."""
    out: dict[str, str] = {}

    def found(field: str, value: str) -> None:
        value = clean(value).split("\n")[0].strip(" /")
        if field.endswith("price_label") and not re.match(r"[¥￥]?\s*\d", value):
            return  # a price label's value starts with the price ("满79送79" is an offer)
        if value and len(value) <= 80 and field not in out:
            out[field] = value

    # A package insert heads the maker's lines with 【生产企业】 and names it on the next line as
    # "企业名称：…" (生产地址 and 联系方式 follow): that 企业名称 is the manufacturer, not the
    # seller. `heading`: the field of a heading left without a value, at the end of the lines read
    # so far (the next line may sit in the next element).
    heading = ""
    for el in root.iter(*_LABEL_TAGS):
        if next(islice(el.iter(), 40, None), None) is not None:
            continue  # a container: its labelled lines are read from the smaller elements in it
        own = lines_of(el)
        if not own or len(own) > 400:
            continue
        lines = own.split("\n")
        if len(lines) == 1 and (label := _label(own)):
            maker = label in _INSERT_MAKER_NAMES and _in_drug_facts_table(el)
            found("manufacturer" if maker else LABELS[label], _value_beside(el))
            heading = ""
            continue
        for i, line in enumerate(lines):
            pending, heading = heading, ""  # a heading reaches the next line only
            line = _BRACKET_LABEL.sub(_colon_label, line)
            while line:  # "公司名称：某某 统一社会信用代码：…": several labels on one line
                head, sep, value = line.partition("：") if "：" in line else line.partition(":")
                label = _label(head) if sep else None
                if label is None:
                    break
                field = LABELS[label]
                if pending == "manufacturer" and label in _INSERT_MAKER_NAMES:
                    field = "manufacturer"
                pending = ""
                nxt = _NEXT_LABEL.search(value)
                value, line = (value[: nxt.start()], value[nxt.start() :].strip()) if nxt else (value, "")
                if not value.strip() and not line:
                    heading = field
                    if i + 1 < len(lines) and not _label(lines[i + 1].partition("：")[0]):
                        value, heading = lines[i + 1], ""
                found(field, value)
    return out


#: The line under a package insert's 【生产企业】 that names the maker.
_INSERT_MAKER_NAMES = frozenset({"企业名称"})
#: Rows of a drug's own facts: a table holding one of them lists the drug, not the seller.
_DRUG_FACT_ROW = re.compile(r"批准文号|国药准字|通用名称")


def _in_drug_facts_table(cell: Any) -> bool:
    """Whether a label cell sits in a table of the drug's facts (1药网's ``table.specificationBox``
    has 通用名称, 批准文号 and 企业名称 rows: there 企业名称 is the maker)."""
    table = next(cell.iterancestors("table"), None)
    return table is not None and bool(_DRUG_FACT_ROW.search(text_of(table)))


#: A package insert's heading as a label: "【生产企业】华润三九医药股份有限公司" (健客's 说明书 lines,
#: ``<p><em>【生产企业】</em>…</p>``) reads as "生产企业：…".
_BRACKET_LABEL = re.compile(r"^\s*【([^】]{1,16})】\s*")


def _colon_label(m: re.Match[str]) -> str:
    return f"{m[1]}：" if _label(m[1]) else m[0]


def prescription_of(labels: dict[str, str], text: str) -> bool | None:
    """True for a prescription drug page, False for OTC, None when the page does not say."""
    marker = labels.get("rx_label", "")
    if re.search(r"非处方|OTC", marker, re.I):
        return False
    if re.search(r"处方药|(?<![A-Za-z])R[xX](?![A-Za-z0-9])", marker):
        return True
    if _RX_WARNING.search(text):
        return True
    if re.search(r"[甲乙]类\s*OTC|非处方药", text):
        return False
    return None


#: Fields a parameter table's labels may fill (the names and prices of a page are read elsewhere).
_ATTRIBUTE_FIELDS = frozenset({"drug_approval_no", "device_licence_no", "cosmetic_filing_no", "spec", "generic_name",
                               "manufacturer", "operator_name", "uscc"})  # fmt: skip


def put_attributes(ex: Reading, attributes: dict[str, str], source: str) -> None:
    """The facts a parameter table states under known labels (批准文号, 生产企业, 药品类型 …, as in
    `LABELS`), for tables a layout read from markup or page data."""
    for key, value in attributes.items():
        label = _label(str(key))
        field = LABELS.get(label) if label else None
        if field in _ATTRIBUTE_FIELDS:
            ex.put(field, str(value).strip(), source)
        elif field == "rx_label" and (rx := prescription_of({"rx_label": str(value)}, "")) is not None:
            ex.put("prescription", rx, source)


_NOT_TITLE = re.compile(r"[：:]|^(?:推荐|热销|健康资讯|售后|温馨提示|商品详情|声明|服务|咨询|猜你喜欢|看了又看)")


def _headings(root: Any) -> list[tuple[Any, str]]:
    """Headings that can be a product's name, largest first: (element, text)."""
    out = []
    for tag in ("h1", "h2", "h3"):
        for el in root.iter(tag):
            text = text_of(el)
            if 2 <= len(text) <= 200 and not _NOT_TITLE.search(text) and el.find(".//img") is None:
                out.append((el, text))
    return out


#: A <title> that names the kind of page, not the product.
_GENERIC_TITLE = re.compile(r"(?:商品|产品|宝贝)?详情|首页|商城")
_SITE_TAIL = re.compile(r"\s*[-_|–—][^-_|–—]*$")
_SQUASH = re.compile(r"\s+")


def _name_heading(root: Any, headings: list[tuple[Any, str]]) -> tuple[Any, str, tuple[Any, ...]] | None:
    """The heading that names the product, with the price shown near it: the longest the page's
    <title> repeats and a price follows, else the longest the <title> repeats, else the first a
    price follows; None when no heading qualifies (the <title> then names the product), unless
    the <title> names only the kind of page (商品详情), when the first heading does. A heading
    the <title> does not repeat and no price follows is navigation (全部商品分类, 为你推荐)."""
    if not headings:
        return None
    el = root.find(".//title")
    title = _SQUASH.sub("", clean(el.text_content()) if el is not None else "").lower()
    tail = m[0] if (m := _SITE_TAIL.search(title)) else ""  # "-京东", "-tmall.com天猫": the site
    body = title[: len(title) - len(tail)]

    def repeated(text: str) -> bool:
        text = _SQUASH.sub("", text).lower()
        if len(text) < 4 or text in tail:
            return False
        return text in title or (len(body) >= 6 and body in text)

    priced = [(el, text, price_near(root, el)) for el, text in headings[:8]]
    named = [(el, text, near) for el, text, near in priced if near[0] is not None and repeated(text)]
    named = named or [(el, text, (None, None, None)) for el, text in headings[:40] if repeated(text)]
    if named:  # the longest: a brand's heading ("Apple") is repeated by the <title> too
        return max(named, key=lambda h: len(h[1]))
    if (first := next((h for h in priced if h[2][0] is not None), None)) is not None:
        return first
    names_product = len(body) >= 6 and not _GENERIC_TITLE.match(body)  # not "商品详情页 - 某某商城"
    return None if names_product else priced[0]


def _shop_block(root: Any) -> str | None:
    """The text of the first block named for the shop, when it is short enough to be a name."""
    named = (value.getparent() for value in _NAMING_ATTRIBUTES(root) if _SHOP_BLOCK_NAME.search(value))
    for el in named:
        text = lines_of(el).strip().split("\n")[0].strip("：: ")  # the name, not the ratings under it
        if 2 <= len(text) <= 60:
            return text
    return None


def _itemprop_price(root: Any) -> tuple[float | None, float | None] | None:
    """(low, high) of the first ``itemprop="price"`` with a number (its ``content`` or its text);
    a European decimal comma ("97,39") is read as a point."""
    for el in _ITEMPROP_PRICE(root):
        text = el.get("content") or text_of(el)
        text = re.sub(r"(\d),(\d{2})(?!\d)", r"\1.\2", text)
        low, high = price_range(text)
        if low is not None:
            return low, high
    return None


def _title_tag(root: Any) -> str | None:
    """The product name in the <title>: its first part, or the bracketed name that leads it
    ("【氯沙坦钾片 50mg】价格_说明书"); a leading brand or store in brackets is dropped
    ("【某某】缬沙坦片 7片 价格_说明书_健客网")."""
    el = root.find(".//title")
    text = clean(el.text_content()) if el is not None else ""
    bracket, rest = "", text
    if m := re.match(r"\s*【([^】]*)】\s*(.*)", text, re.S):
        bracket, rest = m[1].strip(), m[2]
    parts = [p for p in _TITLE_SPLIT.split(rest) if p]
    first = _TITLE_TAIL.sub("", parts[0]) if parts else ""
    return first if first and (len(first) > len(bracket) or not bracket) else bracket or None


_FOLLOWING = etree.XPath("following::*[position() <= $n]")


def price_near(root: Any, anchor: Any, limit: int = 400) -> tuple[float | None, float | None, str | None]:
    """The first price shown within `limit` elements after `anchor` in document order: a text
    with ¥/元, or a bare number right after a ¥ sign of its own element, sibling or parent."""
    for el in _FOLLOWING(anchor, n=limit):
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        own = clean(el.text or "")
        if not own or len(own) >= 40:
            continue
        if m := _PRICE_RE.search(own):
            low, high = price_range(m[0])
            if low:
                return low, high, m[0]
        elif re.fullmatch(r"\d+(?:\.\d{1,2})?", own):
            prev, parent = el.getprevious(), el.getparent()
            marks = (prev.text if prev is not None else "") or ""
            marks += (prev.tail if prev is not None else "") or ""
            marks += (parent.text if parent is not None else "") or ""
            if re.search(r"[¥￥]", marks):
                low, high = price_range(own)
                return low, high, "¥" + own
    return None, None, None


def _img_src(img: Any, url: str) -> str | None:
    """The picture's address: a lazy-load attribute with a full address first (pages often put
    a placeholder or a relative thumbnail in `src`); a mark a loader left ("done") is none."""
    values = [(img.get(attr) or "").strip() for attr in LAZY_IMAGE_ATTRS]
    values = [v for v in values if picture_address(v)]
    full = [v for v in values if v.startswith(("http:", "https:", "//"))]
    return absolute(url, (full or values)[0]) if values else None


#: A fact a page draws as a picture of its value (药房网 shows a drug's 批准文号 so, out of
#: scrapers' reach): the label the picture stands beside makes it a picture to read.
_FACT_LABEL = re.compile(r"批准文号|批文|注册证号|注册证编号|备案号|备案编号|许可证号|许可证编号|证书编号")
_VALUE_CELLS = frozenset({"dd", "td", "li", "span", "em", "p", "label"})


def _label_beside(img: Any) -> str:
    """The label a picture is the value of: the text of its own small cell ("批准文号：<img>"),
    or, when that cell holds no text, of the cell before it (``<dt>批准文号</dt><dd><img></dd>``,
    a ``th`` before a ``td``). Only cells a picture sits in directly or through a link."""
    cell = img.getparent()
    if cell is not None and cell.tag == "a":
        cell = cell.getparent()
    if cell is None or cell.tag not in _VALUE_CELLS:
        return ""
    own = text_of(cell)
    if own:
        return own[:40]
    before = _element_beside(cell, "previous")
    return text_of(before)[:40] if before is not None else ""


def image_urls(root: Any, url: str) -> tuple[list[str], list[str]]:
    """(detail images, licence / qualification images), absolute, in page order. A licence
    picture is told by its name, alt text or link text (营业执照, 许可证, 资质 …), or by the
    label of a fact it is the value of (批准文号：<picture>); a detail
    picture by a description block around it, not inside the main picture gallery, the reviews,
    the recommendations or the footer, and not an icon, logo or sprite."""
    detail: list[str] = []
    licence: list[str] = []
    for img in root.iter("img"):
        src = _img_src(img, url)
        if not src:
            continue
        hint = " ".join(filter(None, (img.get("alt"), img.get("title"), src)))
        link = img.getparent()
        if link is not None and link.tag == "a":
            hint += " " + (link.get("title") or "") + " " + text_of(link)
        if _LICENCE_HINT.search(hint) or _FACT_LABEL.search(_label_beside(img)):
            licence.append(src)
            continue
        if is_decoration(img, src):
            continue
        marks = " ".join(f"{anc.get('id') or ''} {anc.get('class') or ''}" for anc in img.iterancestors())
        if _DETAIL_HINT.search(marks) and not _GALLERY_HINT.search(marks):
            detail.append(src)
    return list(dict.fromkeys(detail)), list(dict.fromkeys(licence))


def drug_facts(text: str) -> dict[str, Any]:
    """Drug approval number, the operator's 互联网药品信息服务 certificate and 药品网络销售 filing
    found anywhere in the page text."""
    out: dict[str, Any] = {}
    if m := _APPROVAL_RE.search(text):
        out["drug_approval_no"] = re.sub(r"\s+", "", m[0])
    for m in re.finditer(r"互联网药品信息服务[^：:\n(（]{0,12}[：:]?\s*", text):
        if c := _CERT_RE.match(text, m.end()) or _CERT_RE.search(text, m.end(), m.end() + 40):
            out["internet_drug_info_cert"] = re.sub(r"\s+", "", c[0])
            break
    if m := _ONLINE_DRUG_RE.search(text):
        out["drug_online_sale_filing"] = m[1]
    return out


def extract_generic(html: str, url: str, platform: str = "generic", into: Reading | None = None) -> Reading:
    """Read a product page with the generic strategies; fills only what `into` lacks."""
    ex = into or Reading(platform=platform, kind="product", url=url)
    root = parse(html)
    for strategy, fields in structured.read(html, url):
        images = fields.pop("image_urls", [])
        ex.merge(fields, strategy)
        ex.put("image_urls", images, strategy)
    found, parameters = api_json.read(html)
    strategy = "api-json"
    if not found and not all(ex.data.get(f) for f in _NAMING_FIELDS):  # inline data, only where it can add
        found, parameters = api_json.read_embedded(html)
        strategy = "embedded-json"
    ex.merge(found, strategy)
    ex.put("attributes", parameters or None, strategy)
    put_attributes(ex, parameters, strategy)
    if ex.platform not in _OWN_FOOTER:
        drop_page_footers(root)
    labels = labelled_values(root)
    text = page_text(root)
    for field in ("shop_name", "operator_name", "drug_approval_no", "device_licence_no", "cosmetic_filing_no",
                  "spec", "generic_name", "manufacturer", "internet_drug_info_cert", "drug_licence_no"):  # fmt: skip
        ex.put(field, labels.get(field), "label")
    if (uscc := labels.get("uscc")) and _USCC_RE.search(uscc):
        ex.put("uscc", _USCC_RE.search(uscc)[0], "label")
    ex.merge(drug_facts(text), "text")
    if ex.platform in _OWN_FOOTER and (m := _COPYRIGHT_RE.search(text)):
        ex.put("operator_name", m[1] or m[2], "footer-copyright")
    if (rx := prescription_of(labels, text)) is not None:
        ex.put("prescription", rx, "label" if labels.get("rx_label") else "text")
    if labels.get("price_label"):
        low, high = price_range(labels["price_label"])
        if ex.put("price", low, "label"):
            ex.put("price_max", high, "label")
    if (shop := _shop_block(root)) is not None:
        ex.put("shop_name", shop, "shop-block")
    if (marked := _itemprop_price(root)) is not None:
        low, high = marked
        if ex.put("price", low, "itemprop"):
            ex.put("price_max", high, "itemprop")
    if labels.get("original_price_label"):
        ex.put("original_price", price_range(labels["original_price_label"])[0], "label")
    best = _name_heading(root, _headings(root))
    if best is not None:
        title = ex.data.get("title")
        if ex.sources.get("title") == "opengraph" and best[1] in str(title) and best[1] != title and len(best[1]) >= 4:
            # og:title often wraps the product's name in a price, a category and the site's
            # name ("€97.39 40% OFF|<name>|手机 - AliExpress"): the page's own heading is the name
            ex.replace("title", best[1], "heading")
        ex.put("title", best[1], "heading")
        low, high, _ = best[2]
        if ex.put("price", low, "near-title"):
            ex.put("price_max", high, "near-title")
    ex.put("title", labels.get("product_name"), "label")
    ex.put("title", _title_tag(root), "title-tag")
    detail, licence = image_urls(root, url)
    ex.put("detail_image_urls", detail, "images")
    ex.put("licence_image_urls", licence, "images")
    return ex
