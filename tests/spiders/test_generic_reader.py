"""The generic reader and the platform registry on small pages: each strategy, and the
encodings a browser would decide."""

from __future__ import annotations

import json

import pytest

from crawler.charset import decode_html, sniff
from crawler.extract.generic import extract_generic
from crawler.extract.platforms import PLATFORMS, read_page, recognise
from crawler.extract.result import price_range

SHOP_PAGE = """<html><head><title>某某保温杯 500ml - 某某生活馆</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product", "name": "某某保温杯 500ml",
 "sku": "A-100", "image": ["//img.example.cn/a.jpg"],
 "offers": {"@type": "AggregateOffer", "lowPrice": "59", "highPrice": "89", "priceCurrency": "CNY"}}</script>
</head><body>
<div class="nav"><h1><img src="/logo.png" alt="某某生活馆"></h1></div>
<div class="info"><dl><dt>店铺：</dt><dd>某某生活馆</dd></dl>
<p>公司名称：杭州某某日用品有限公司</p><p>统一社会信用代码：91330100MA2XXXXX0A</p></div>
<div id="description"><img data-original="https://img.example.cn/d1.jpg" src="/blank.gif"></div>
<div class="footer"><a href="/zz"><img src="/img/yyzz.jpg" alt="营业执照"></a></div>
</body></html>"""


def test_structured_data_then_labels_each_with_its_strategy() -> None:
    ex = extract_generic(SHOP_PAGE, "https://shop.example.cn/p/100.html")
    assert (ex.data["title"], ex.data["price"], ex.data["price_max"]) == ("某某保温杯 500ml", 59.0, 89.0)
    assert ex.sources["title"] == "jsonld" and ex.sources["price"] == "jsonld"
    assert ex.data["image_urls"] == ["https://img.example.cn/a.jpg"]
    # 店铺 names the shop, 公司名称 the company operating it: two facts, two fields
    assert (ex.data["shop_name"], ex.data["operator_name"]) == ("某某生活馆", "杭州某某日用品有限公司")
    assert ex.sources["shop_name"] == ex.sources["operator_name"] == "label"
    assert ex.data["detail_image_urls"] == ["https://img.example.cn/d1.jpg"]
    assert ex.data["licence_image_urls"] == ["https://shop.example.cn/img/yyzz.jpg"]


def test_heading_with_a_price_after_it_beats_other_headings() -> None:
    html = """<html><head><title>站点名</title></head><body><h1>热销推荐</h1>
    <h2>商品编码：123</h2><div class="main"><h1>某某 电动牙刷 声波 成人款</h1><p class="p"><em>¥</em>
    <span>129.00</span></p></div></body></html>"""
    ex = extract_generic(html, "https://x.example.cn/item/1")
    assert (ex.data["title"], ex.data["price"]) == ("某某 电动牙刷 声波 成人款", 129.0)
    assert (ex.sources["title"], ex.sources["price"]) == ("heading", "near-title")


def test_prescription_flag_from_label_or_warning() -> None:
    otc = "<html><body><h1>布洛芬缓释胶囊</h1><p>药品类型：甲类OTC</p><p>价格：¥12.80</p></body></html>"
    assert extract_generic(otc, "https://p.example.cn/1").data["prescription"] is False
    rx = "<html><body><h1>阿托伐他汀钙片</h1><p>处方药须凭处方在药师指导下购买和使用</p></body></html>"
    assert extract_generic(rx, "https://p.example.cn/2").data["prescription"] is True
    plain = "<html><body><h1>保温杯</h1><p>¥30</p></body></html>"
    assert "prescription" not in extract_generic(plain, "https://p.example.cn/3").data


@pytest.mark.parametrize(
    ("text", "expected"),
    [("¥36.00-58.00", (36.0, 58.0)), ("￥ 99.00 - 199.00", (99.0, 199.0)), ("2,399.00", (2399.0, None)),
     ("58.00~36.00", (36.0, 58.0)), ("12.80", (12.8, None)), ("面议", (None, None))],
)  # fmt: skip
def test_price_ranges_keep_both_ends(text: str, expected: tuple[float | None, float | None]) -> None:
    assert price_range(text) == expected


def test_encodings_as_a_browser_decides() -> None:
    text = "某某旗舰店 国药准字H20990001"
    assert decode_html(b"\xef\xbb\xbf<meta charset='gbk'>" + text.encode()) == "<meta charset='gbk'>" + text  # BOM
    assert decode_html(text.encode("utf-16")) == text  # UTF-16 with its BOM
    assert decode_html(("<meta charset='gbk'>" + text).encode()).endswith(text)  # valid UTF-8 over a lying meta
    assert decode_html(("<p>" + text).encode("gbk")) == "<p>" + text  # undeclared GBK
    assert decode_html(("<p>" + text).encode("gb18030"), "text/html; charset=GB2312") == "<p>" + text
    assert sniff(text.encode("gbk"), "text/html; charset=utf-8") == ("gb18030", "wrong_charset")


def test_registry_recognises_by_host_then_markers_then_falls_back() -> None:
    assert {"tmall", "taobao", "jd", "1688", "pinduoduo", "douyin", "pharmacy", "selfshop"} <= set(PLATFORMS)
    assert recognise("https://detail.m.tmall.com/item.htm?id=1", "")[0].name == "tmall"
    assert recognise("https://mobile.yangkeduo.com/goods.html?goods_id=1", "")[0].name == "pinduoduo"
    search = PLATFORMS["pinduoduo"].search_url("月饼")
    assert search == "https://mobile.yangkeduo.com/search_result.html?search_key=%E6%9C%88%E9%A5%BC"
    assert recognise(search, "")[0].name == "pinduoduo"
    assert recognise("https://item.yiyaojd.com/100009773041.html", "")[0].name == "jd"  # 京东大药房
    assert recognise("https://www.ddky.com/product/1.html", "")[0].name == "pharmacy"  # 叮当快药
    jd_drug = (
        "<html><script>var pageConfig = {product: {skuid: 1}};</script>国药准字H1 互联网药品信息服务资格证书</html>"
    )
    platform, how = recognise("file:///saved.html", jd_drug)
    assert (platform.name, how) == ("jd", "markers")  # a marketplace's pharmacy page is the marketplace's
    platform, how = recognise("https://shop.example.cn/p/100.html", SHOP_PAGE)
    assert (platform.name, how) == ("generic", "fallback")
    drug = "<html><h1>布洛芬缓释胶囊 0.3g*24粒</h1><p>批准文号：国药准字H10900089</p></html>"
    assert recognise("file:///saved.html", drug)[0].name == "pharmacy"


def test_a_footer_certificate_alone_does_not_make_a_pharmacy() -> None:
    # Health-food shops, clinics and portals show the 互联网药品信息服务 certificate in the footer.
    page = (
        "<html><h1>某某牌蛋白粉 400g</h1><p>国食健注G20190123</p>"
        "<footer>互联网药品信息服务资格证书：(京)-非经营性-2020-0001</footer></html>"
    )
    platform, how = recognise("file:///saved.html", page)
    assert (platform.name, how) == ("generic", "fallback")


def test_pinduoduo_raw_data() -> None:
    html = ('<html><script>window.rawData={"store":{"initDataObj":{"goods":{"goodsID":123,"goodsName":"某某 纸巾 30包",'
            '"minOnSaleGroupPrice":1990,"maxOnSaleGroupPrice":2990},"mall":{"mallName":"某某日用专营店","mallID":9}}}};'
            "</script></html>")  # fmt: skip
    (ex,), how = read_page(html.encode(), "https://mobile.yangkeduo.com/goods.html?goods_id=123")
    assert (ex.platform, how, ex.data["title"], ex.data["item_id"]) == ("pinduoduo", "host", "某某 纸巾 30包", "123")
    assert (ex.data["price"], ex.data["price_max"], ex.data["shop_name"]) == (19.9, 29.9, "某某日用专营店")


def test_pinduoduo_raw_data_with_camel_case_id_and_the_shop_named_in_the_goods() -> None:
    html = ('<html><script>window.rawData={"store":{"initDataObj":{"goods":{"goodsId":"456","goodsName":"某某 抽纸",'
            '"minGroupPrice":"11","maxGroupPrice":"11","mallName":"某某纸品小铺"}}}};</script></html>')  # fmt: skip
    (ex,), _ = read_page(html.encode(), "https://mobile.yangkeduo.com/goods.html?goods_id=999")
    assert (ex.data["item_id"], ex.data["price"], ex.data["shop_name"]) == ("456", 11.0, "某某纸品小铺")
    assert "price_max" not in ex.data


def test_item_data_in_an_html_escaped_data_attribute() -> None:
    """微店 item pages (c. 2021) are drawn from JSON in ``<script id="__rocker-render-inject__"
    data-obj="{&#34;…">``: the item beside its shop, the lowest price in fen (``itemLowPrice``),
    the struck-through one in yuan. The name and shop are read; the price in fen is not read as
    yuan, and without a price no struck-through one is kept."""
    data = {"result": {"default_model": {
        "item_info": {"item_id": "4100000001", "item_name": "某某 手工红糖 500g 古法熬制", "itemLowPrice": 3980,
                      "origin_price": "59", "imgs": ["https://si.geilicdn.com/pcitem000-1.jpg"]},
        "shop_info": {"shopName": "某某土特产小店", "shop_id": "1000001", "shop_url": "https://weidian.com/?userid=1000001"},
        "sku_properties": {"sku": {"1": {"id": "1", "price": "39.80", "title": "500g"},
                                   "2": {"id": "2", "price": "69.80", "title": "1000g"}}}}}}  # fmt: skip
    escaped = json.dumps(data, ensure_ascii=False).replace('"', "&#34;")
    html = (f'<html><head><title>微店</title></head><body><div id="app"></div><script id="__rocker-render-inject__" '
            f'data-obj="{escaped}"></script></body></html>')  # fmt: skip
    (ex,), how = read_page(html.encode(), "https://weidian.com/item.html?itemID=4100000001")
    assert (ex.platform, how, ex.kind) == ("generic", "fallback", "product")
    assert (ex.data["title"], ex.data["shop_name"]) == ("某某 手工红糖 500g 古法熬制", "某某土特产小店")
    assert ex.sources["title"] == ex.sources["shop_name"] == "embedded-json"
    assert "price" not in ex.data and "original_price" not in ex.data


def test_state_object_of_a_script_rendered_shop_with_undefined_values() -> None:
    """A self-built shop drawn by script from ``window.__INITIAL_STATE__`` (JavaScript, with
    ``undefined`` values): the product, its shop named once elsewhere in the state, and its
    label/value list are read; the list of recommended items beside it is no product."""
    state = (
        '{"user":{"loggedIn":false,"nick":undefined},"product":{"detail":{"goodsName":"某某 灵芝孢子粉 60粒",'
        '"salePrice":"298.00","marketPrice":"598.00","attrs":[{"name":"批准文号","value":"国食健注G20190001"},'
        '{"name":"规格","value":"0.5g*60粒"}],"video":undefined}},"store":{"storeName":"某某健康专营店"},'
        '"recommend":[{"goodsName":"某某 蛋白粉","salePrice":"99.00","storeName":"另一店"},'
        '{"goodsName":"某某 鱼油","salePrice":"88.00","storeName":"另一店"}]}'
    )
    html = f"<html><body><div id=app></div><script>window.__INITIAL_STATE__ = {state};</script></body></html>"
    ex = extract_generic(html, "https://shop.example.cn/goods/1", "generic")
    assert (ex.data["title"], ex.data["price"], ex.data["original_price"]) == ("某某 灵芝孢子粉 60粒", 298.0, 598.0)
    assert ex.data["attributes"] == {"批准文号": "国食健注G20190001", "规格": "0.5g*60粒"}
    assert ex.data["spec"] == "0.5g*60粒" and ex.sources["price"] == "embedded-json"
    assert "shop_name" not in ex.data  # two shops named in the state: which is the seller's is not known


def test_a_json_response_listing_alike_items_is_a_listing() -> None:
    body = json.dumps({"code": 0, "data": {"total": 3, "list": [
        {"id": 11, "title": "某某 布洛芬缓释胶囊 0.3g*20粒", "price": "18.50", "detailUrl": "/goods/11.html",
         "shopName": "某某大药房"},
        {"id": 12, "title": "某某 维生素C片 100片", "price": "6.80", "detailUrl": "/goods/12.html"},
        {"id": 13, "title": "某某 医用口罩 50只", "price": 25, "detailUrl": "/goods/13.html"},
    ]}}, ensure_ascii=False)  # fmt: skip
    (ex,), _ = read_page(body.encode(), "https://m.example-pharmacy.cn/api/search?kw=x")
    assert (ex.kind, ex.sources["products"]) == ("listing", "api-json:products")
    first, _, third = ex.data["products"]
    assert first == {"url": "https://m.example-pharmacy.cn/goods/11.html", "item_id": "11", "price": 18.5,
                     "title": "某某 布洛芬缓释胶囊 0.3g*20粒", "shop_name": "某某大药房"}  # fmt: skip
    assert third["price"] is None  # a whole number may count fen
    one = json.dumps({"data": {"goods": {"goodsName": "某某 维生素C片", "salePrice": "6.80", "spec": "100片"},
                               "similar": json.loads(body)["data"]["list"]}}, ensure_ascii=False)  # fmt: skip
    (ex,), _ = read_page(one.encode(), "https://m.example-pharmacy.cn/api/goods?id=12")
    assert (ex.kind, ex.data["title"], ex.data["price"]) == ("product", "某某 维生素C片", 6.8)
    # 平安好医生's mall list (2017): ids and prices but no links, pictures as bare file names
    mall = json.dumps({"stat": {"code": 0}, "content": [{"value": [
        {"id": 276590 + i, "title": f"某某 补水面膜 {i}片", "price": 19900, "originalPrice": 49800,
         "img": "T1E2LXBjCg1RCvBVdK.jpg|T1s2WXBjAv1RCvBVdK.jpg"} for i in range(3)]}]}, ensure_ascii=False)  # fmt: skip
    (ex,), _ = read_page(mall.encode(), "https://www.jk.cn/api/mall/list")
    assert ex.kind == "listing" and ex.data["item_urls"] == []
    assert ex.data["products"][0] == {"url": None, "item_id": "276590", "title": "某某 补水面膜 0片", "price": None}
    tags = json.dumps({"data": [{"id": i, "name": n} for i, n in enumerate(["感冒发烧", "肠胃用药", "皮肤用药"])]})
    (ex,), _ = read_page(tags.encode(), "https://www.jk.cn/api/category")
    assert ex.kind == "product" and not ex.data.get("title")  # names without prices are no items


def test_a_comment_between_a_label_cell_and_its_value_is_passed_over() -> None:
    html = ("<html><body><dl><dt>规格：</dt><!-- spec --><dd>0.25g*24粒</dd><dt>会员价</dt><dd>￥</dd><!-- p -->"
            "<dd>58.00</dd><dt>生产企业：</dt><?php echo 1 ?><dd>某某制药有限公司</dd></dl></body></html>")  # fmt: skip
    ex = extract_generic(html, "https://www.example-pharmacy.cn/p/1.html", "pharmacy")
    assert (ex.data["spec"], ex.data["manufacturer"], ex.data["price"]) == ("0.25g*24粒", "某某制药有限公司", 58.0)


@pytest.mark.parametrize(
    ("body", "title", "source"),
    [
        # a shop's navigation headings before the name; no price near any (蜜芽, 2016)
        ("<h2>全部商品分类</h2><h3>宝宝奶粉</h3><h1>鳄鱼谷 经典造型盒装拼图 谷仓</h1>",
         "鳄鱼谷 经典造型盒装拼图 谷仓", "heading"),
        # only navigation headings: the <title> names the product (京东, 2018)
        ("<h2>全部分类◇</h2><h3>为你推荐</h3><h3>良品铺子官方旗舰店</h3>", "鳄鱼谷 经典造型盒装拼图 谷仓", "title-tag"),
        # the site's name as a heading, then the name the <title> repeats (天猫, 2020)
        ("<h1>天猫Tmall.com</h1><h2>某店</h2><h1>鳄鱼谷 经典造型盒装拼图 谷仓 </h1>",
         "鳄鱼谷 经典造型盒装拼图 谷仓", "heading"),
        # a brand's heading the <title> repeats too: the longer is the name
        ("<h2>鳄鱼谷</h2><h1>鳄鱼谷 经典造型盒装拼图 谷仓</h1>", "鳄鱼谷 经典造型盒装拼图 谷仓", "heading"),
    ],
)  # fmt: skip
def test_the_heading_that_names_the_product_is_one_the_title_repeats(body: str, title: str, source: str) -> None:
    html = ("<html><head><title>鳄鱼谷 经典造型盒装拼图 谷仓【价格 特卖 图片100%正品】-蜜芽</title></head>"
            f"<body>{body}</body></html>")  # fmt: skip
    ex = extract_generic(html, "https://www.mia.com/item-1028006.html", "generic")
    assert (ex.data["title"], ex.sources["title"]) == (title, source)


def test_a_title_naming_only_the_kind_of_page_leaves_the_name_to_the_first_heading() -> None:
    html = ("<html><head><title>商品详情页 - 某某商城</title></head><body><h1>某某 保温杯 500ml</h1>"
            "<h2>规格参数</h2></body></html>")  # fmt: skip
    ex = extract_generic(html, "https://shop.example.cn/p/9", "generic")
    assert (ex.data["title"], ex.sources["title"]) == ("某某 保温杯 500ml", "heading")


def test_a_heading_a_price_follows_names_the_product_when_the_title_says_nothing() -> None:
    html = ("<html><head><title>商品详情</title></head><body><h2>猜你喜欢</h2><h1>某某 保温杯 500ml</h1>"
            "<div class='price'>¥39.90</div></body></html>")  # fmt: skip
    ex = extract_generic(html, "https://shop.example.cn/p/9", "generic")
    assert (ex.data["title"], ex.data["price"], ex.sources["price"]) == ("某某 保温杯 500ml", 39.9, "near-title")


def test_labelled_value_broken_across_source_lines_reads_as_shown() -> None:
    """The 药房网 drug page (c. 2018) writes its size over three source lines before a <br>: a
    browser shows one line, so does the reader; the 规格 no longer loses its unit."""
    html = (
        "<html><body><div class='info'><p>\n        规 格：\n                47.5mg*7片×4板&nbsp;/&nbsp;\n"
        "            盒\n        <br> 商品编码：\n   1091079\n <br> 批准文号：\n <a href='#'>\n 国药准字J20150044</a>"
        "</p></div></body></html>"
    )
    ex = extract_generic(html, "https://www.yaofang.cn/c/product/1.html", "pharmacy")
    assert (ex.data["spec"], ex.data["drug_approval_no"]) == ("47.5mg*7片×4板 / 盒", "国药准字J20150044")


def test_a_value_stops_where_the_next_label_starts_on_the_same_line() -> None:
    html = "<html><body><footer><p>公司名称：某某医药有限公司 统一社会信用代码：914403001922038216</p></footer>"
    ex = extract_generic(html, "https://shop.example.cn/", "generic")
    assert (ex.data["operator_name"], ex.data["uscc"]) == ("某某医药有限公司", "914403001922038216")


#: Pages whose detail area holds pictures that are not the description, and the description's
#: pictures the reader keeps:
#: - glyphs-and-captcha: a description block's pictures, less what decorates the page: vector
#:   glyphs, pictures whose file name gives a size under 100 pixels (Alibaba's ``-tps-W-H``), a captcha;
#: - jd-badges-recommendations-cart: a JD item page of 2018 (the markup of a real capture): the
#:   京东物流 badge inside the title (``div.product-intro`` > ``div.sku-name``), other items'
#:   thumbnails in the shop's recommendations (``ul#shop-reco`` in ``shopRec-content``), the item's
#:   own thumbnail in the cart drop-down (``mini-product-info`` > ``content``) and the 品质生活 logo
#:   sit in blocks whose names say "intro", "content" or "detail".
_DETAIL_PICTURE_PAGES = [
    pytest.param(
        (
            "<html><body><h1>某某 保温杯 500ml</h1><div class='description'>"
            "<img src='https://img.example.cn/desc/cup-1.jpg'>"
            "<img class='ui' alt='favourite' src='https://img.example.cn/ui/heart.svg'>"
            "<img src='https://img.example.cn/ui/O1CN01-2-tps-24-24.svg'>"
            "<img src='https://img.example.cn/ui/O1CN01-2-tps-120-64.png'>"
            "<img src='https://img.example.cn/desc/O1CN01-0-tps-750-1000.jpg'>"
            "<img src='/c/common/Common/vcode'>"
            "</div></body></html>"
        ),
        "https://shop.example.cn/item/1.html",
        [
            "https://img.example.cn/desc/cup-1.jpg",
            "https://img.example.cn/desc/O1CN01-0-tps-750-1000.jpg",
        ],
        id="glyphs-and-captcha",
    ),
    pytest.param(
        (
            "<html><body><div class='w'><div class='product-intro clearfix'><div class='itemInfo-wrap'>"
            "<div class='sku-name'>"
            "<img src='//img20.360buyimg.com/devfe/jfs/t19249/5a680284N3af369d1.png' alt='京东物流'>"
            " 良品铺子 手剥东北红松218g*2袋</div></div></div></div>"
            "<div class='J-addcart-mini EDropdown'><div class='inner'><div class='content hide'>"
            "<div class='mini-product-info'><div class='p-img fl'>"
            "<img src='//img14.360buyimg.com/n4/jfs/t12700/5a17f8a8N760e3a43.jpg'></div></div></div></div></div>"
            "<div class='tab-con clearfix'><div class='J-shopRec-content shopRec-content hide'>"
            "<ul id='shop-reco' class='plist plist-2'><li class='fore1' data-sku='1012138835'><div class='p-img'>"
            "<a href='//item.jd.com/1012138835.html'>"
            "<img src='//img14.360buyimg.com/n2/jfs/t9904/59e80aefNee44bbab.jpg'>"
            "</a></div></li></ul></div></div>"
            "<div class='detail'><div id='detail' class='ETab'><div class='tab-con'><div>"
            "<div id='quality-life' class='quality-life'><div class='q-logo'>"
            "<img src='//img30.360buyimg.com/da/jfs/t2077/56ca6792N64e5eafc.png'></div></div>"
            "<div id='J-detail-pop-tpl-top-new'><p>"
            "<img src='//img10.360buyimg.com/imgzone/jfs/t18862/5a790908N12fc6049.png'></p></div>"
            "<div id='J-detail-content'><p>"
            "<img src='//img10.360buyimg.com/imgzone/jfs/t13456/5a41f18aN43595ca4.jpg'></p></div>"
            "</div></div></div></div></body></html>"
        ),
        "https://item.jd.com/1020565583.html",
        [
            "https://img10.360buyimg.com/imgzone/jfs/t18862/5a790908N12fc6049.png",
            "https://img10.360buyimg.com/imgzone/jfs/t13456/5a41f18aN43595ca4.jpg",
        ],
        id="jd-badges-recommendations-cart",
    ),
]


@pytest.mark.parametrize(("html", "url", "expected"), _DETAIL_PICTURE_PAGES)
def test_only_the_description_pictures_are_detail_pictures(html: str, url: str, expected: list[str]) -> None:
    assert extract_generic(html, url).data["detail_image_urls"] == expected


def test_page_heading_over_a_decorated_og_title_and_shop_and_price_from_named_blocks() -> None:
    """The markup of a real AliExpress item page (2020), read by the generic reader: og:title
    wraps the name in the price, a category and the site's name; the price carries
    ``itemprop="price"`` outside any ``itemscope``, in euros with a decimal comma; the store's
    name sits in ``h3.store-name``."""
    html = (
        "<html><head><meta property='og:title' content='€97.39 40% OFF|Apple iPhone SE 2GB RAM 64GB ROM|"
        "Mobile Phones|   - AliExpress'><meta property='og:image' content='https://ae01.alicdn.com/kf/a.jpg'>"
        "</head><body><div class='product-info'><div class='product-title'>"
        "<h1 class='product-title-text'>Apple iPhone SE 2GB RAM 64GB ROM</h1></div><div class='product-price'>"
        "<span class='product-price-value' itemprop='price'>€ 97,39 - 128,72</span></div></div>"
        "<div class='store-info-wrap'><h3 class='store-name' data-role='store-name'>"
        "<a href='//he.aliexpress.com/store/1392990'>Summer Technology Co.,Ltd.</a></h3></div></body></html>"
    )
    got = extract_generic(html, "https://he.aliexpress.com/item/32993251330.html")
    assert got.data["title"] == "Apple iPhone SE 2GB RAM 64GB ROM" and got.sources["title"] == "heading"
    assert (got.data["price"], got.data["price_max"], got.sources["price"]) == (97.39, 128.72, "itemprop")
    assert (got.data["shop_name"], got.sources["shop_name"]) == ("Summer Technology Co.,Ltd.", "shop-block")


def test_a_shop_block_gives_the_name_not_the_ratings_under_it() -> None:
    """蘑菇街 (2017): the shop's block names the shop, then lists its 描述/质量/服务 ratings."""
    html = ("<html><body><h1>某某 荣耀8 青春版</h1><div class='shop-name'>"
            "<a href='//shop.mogujie.com/1'>首佳数码专营店</a><ul><li>描述4.92</li><li>质量4.92</li>"
            "<li>服务4.83</li></ul></div></body></html>")  # fmt: skip
    got = extract_generic(html, "https://shop.mogujie.com/detail/1kcnxeu")
    assert (got.data["shop_name"], got.sources["shop_name"]) == ("首佳数码专营店", "shop-block")


def test_package_insert_headings_in_brackets_are_labels() -> None:
    """健客's drug pages print the 说明书 as lines led by a bracketed heading in an ``em``
    (``#b_2_2 p > em``, as public readers of the site select them): the headings are labels."""
    html = (
        "<html><body><div class='b_2'><div id='b_2_2'><p>通用名称：感冒灵颗粒</p>"
        "<p><em>【主要成份】</em>三叉苦、金盏银盘、野菊花、岗梅、咖啡因、对乙酰氨基酚。</p>"
        "<p><em>【规格型号】</em>10g*9袋</p><p><em>【批准文号】</em>国药准字Z44021940</p>"
        "<p><em>【生产企业】</em>华润三九医药股份有限公司</p></div></div></body></html>"
    )
    got = extract_generic(html, "https://www.jianke.com/product/12345.html", "pharmacy")
    assert (got.data["spec"], got.data["manufacturer"], got.sources["manufacturer"]) == (
        "10g*9袋",
        "华润三九医药股份有限公司",
        "label",
    )
    assert got.data["drug_approval_no"] == "国药准字Z44021940" and got.sources["drug_approval_no"] == "label"


@pytest.mark.parametrize(
    "insert",
    [
        "<div class='sms'>【生产企业】<br>企业名称：华润三九医药股份有限公司<br>生产地址：深圳市龙华区观湖街道</div>",
        "<div class='sms'><p>【生产企业】</p><p>企业名称：华润三九医药股份有限公司</p></div>",
    ],
    ids=["one-element", "element-per-line"],
)
def test_the_company_under_a_package_inserts_maker_heading_is_the_manufacturer(insert: str) -> None:
    """A drug page that reproduces the 说明书 names the maker as "企业名称：…" under 【生产企业】: the
    manufacturer, not the shop's operator (whose 企业名称 the page's footer or licence block gives)."""
    html = f"<html><body><h1>感冒灵颗粒 10g*9袋</h1>{insert}</body></html>"
    got = extract_generic(html, "https://www.example-pharmacy.cn/product/1.html", "pharmacy")
    assert got.data["manufacturer"] == "华润三九医药股份有限公司"
    assert "operator_name" not in got.data


def test_a_maker_heading_does_not_reach_past_the_next_line() -> None:
    """The seller's own 企业名称 further down the page stays the operator's."""
    html = (
        "<html><body><h1>感冒灵颗粒</h1><p>【生产企业】</p><p>详见包装</p>"
        "<footer><p>企业名称：某某大药房连锁有限公司</p></footer></body></html>"
    )
    got = extract_generic(html, "https://www.example-pharmacy.cn/product/1.html", "pharmacy")
    assert got.data["operator_name"] == "某某大药房连锁有限公司" and "manufacturer" not in got.data


def test_a_product_in_a_json_interface_response() -> None:
    """An online pharmacy's detail interface (the keys 叮当快药's ``product.detailfps`` response
    has, as public readers of it name them): the product object's name, shop and drug facts, and
    its label / value list; its prices are integers in fen (``priceL``), which are not read."""
    detail = {
        "skuId": "50081234", "shopName": "某某智慧药房（北京）有限公司", "name": "[络活喜]苯磺酸氨氯地平片 5mg*7片",
        "commonName": "苯磺酸氨氯地平片", "approvalNumber": "国药准字H10950224", "manufacturers": "辉瑞制药有限公司",
        "productSpecifications": "5mg*7片", "priceL": 2850, "originalPriceL": 3200,
        "parameters": [{"text": "通用名称", "value": "苯磺酸氨氯地平片"},
                       {"text": "批准文号", "value": "国药准字H10950224"}],
    }  # fmt: skip
    body = json.dumps({"code": "0", "msg": "成功", "data": {"detail": detail}}, ensure_ascii=False)
    got = extract_generic(body, "https://api.ddky.com/cms/rest.htm?method=ddky.cms.product.detailfps.get", "pharmacy")
    assert (got.data["title"], got.data["shop_name"], got.sources["title"]) == (
        "[络活喜]苯磺酸氨氯地平片 5mg*7片",
        "某某智慧药房（北京）有限公司",
        "api-json",
    )
    assert (got.data["generic_name"], got.data["manufacturer"], got.data["spec"]) == (
        "苯磺酸氨氯地平片",
        "辉瑞制药有限公司",
        "5mg*7片",
    )
    assert got.data["drug_approval_no"] == "国药准字H10950224" and "price" not in got.data
    assert got.data["attributes"]["批准文号"] == "国药准字H10950224"


def test_a_json_list_of_alike_items_is_no_product() -> None:
    items = [{"goods_name": f"某某 保温杯 {n}", "price": "39.90", "shop_name": "某某家居"} for n in (1, 2)]
    got = extract_generic(json.dumps({"data": {"list": items}}, ensure_ascii=False), "https://api.example.cn/search")
    assert "title" not in got.data and "price" not in got.data


def test_the_company_in_a_table_of_a_drugs_facts_is_the_manufacturer() -> None:
    """1药网's ``table.specificationBox`` (as public readers of the site select it) lists the
    drug's facts in ``th`` / ``td`` rows: its 企业名称 is the maker; a shop's own table of company
    facts keeps it as the operator."""
    drug = (
        "<table class='specificationBox'><tr><th>通用名称：</th><td>苯磺酸氨氯地平片</td></tr>"
        "<tr><th>批准文号：</th><td>国药准字H10950224</td></tr><tr><th>企业名称：</th><td>辉瑞制药有限公司</td></tr></table>"
    )
    shop = "<table><tr><th>企业名称：</th><td>某某大药房连锁有限公司</td></tr><tr><th>所在地：</th><td>北京</td></tr>"
    shop += "</table>"
    got = extract_generic(f"<html><body><h1>络活喜</h1>{drug}</body></html>", "https://www.111.com.cn/product/1.html")
    assert got.data["manufacturer"] == "辉瑞制药有限公司" and "operator_name" not in got.data
    got = extract_generic(f"<html><body><h1>关于我们</h1>{shop}</body></html>", "https://www.example.cn/about.html")
    assert got.data["operator_name"] == "某某大药房连锁有限公司" and "manufacturer" not in got.data


def test_a_whole_number_price_in_a_json_response_is_not_taken_for_yuan() -> None:
    """A whole number may count fen (拼多多's ``min_group_price``: 990 is ¥9.90); a text or a
    number with a fractional part is a price as shown."""
    goods = {"goods_name": "某某 抽纸 3层100抽", "price": 990, "spec": "3层100抽*10包", "shop_name": "某某纸品"}
    got = extract_generic(json.dumps({"goods": goods}, ensure_ascii=False), "https://api.example.cn/goods/1")
    assert got.data["title"] == "某某 抽纸 3层100抽" and "price" not in got.data
    goods["price"] = "9.90"
    got = extract_generic(json.dumps({"goods": goods}, ensure_ascii=False), "https://api.example.cn/goods/1")
    assert (got.data["price"], got.sources["price"]) == (9.9, "api-json")


def test_a_broken_or_bottomless_json_response_reads_as_nothing() -> None:
    for body in ('{"data": {"name": "某某', "[" * 200_000, 'cb({"name": "x"'):
        got = extract_generic(body, "https://api.example.cn/goods/1")
        assert got.sources.get("title") != "api-json"
