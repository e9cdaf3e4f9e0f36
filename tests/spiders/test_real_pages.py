"""Real captured pages of real platforms, read without being told the platform.

Committed captures (tests/spiders/real_pages, Apache-2.0 or MIT, see SOURCES.md) always run; the
shared reference captures run when that folder is present. The model Tmall and pharmacy pages
in tests/spiders/pages are written by the project in the shape of real ones (README there)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli import main as wangjian
from crawler.extract.platforms import read_page
from tests.spiders.conftest import REAL_PAGES, ROOT

COMMITTED = ROOT / "tests" / "spiders" / "real_pages"
MODELS = ROOT / "tests" / "spiders" / "pages"
REAL_JSON = REAL_PAGES.parent / "real-json"
SHARED = pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="shared reference pages absent")

#: file → (platform, item id, title, price, shop) as the page shows them.
PRODUCTS: dict[str, tuple[str, str, str, float, str]] = {
    "jd_item_1311064527_usb_extension.html": (
        "jd", "1311064527", "威迅（VenTion）VAS-C01 usb延长线带放大器usb2.0公对母数据线连接线 冰蓝色 10米", 55.0,
        "威迅数码专营店"),
    "jd_item_1309611252_deli_blades.html": ("jd", "1309611252", "得力 2012小号美工刀片（1盒-10片装", 2.8,
                                            "得力办公官方旗舰店"),
    "jd_item_1309770426_steering_cover.html": (
        "jd", "1309770426", "徐记 奥迪A4L/A1/A3/A5 专车专用真皮手缝方向盘套 汽车把套改装 飓风音速", 196.0,
        "励天励行汽车用品专营店"),
    "mia_item_1080104_edushape.html": ("selfshop", "1080104", "爱多形 edushape 串串鱼拼插玩具", 179.0, "蜜芽"),
    "mia_item_1028006_crocodile_creek.html": ("selfshop", "1028006", "鳄鱼谷 Crocodile Creek 经典造型盒盒装拼图 谷仓",
                                              119.0, "蜜芽"),
}  # fmt: skip
SHARED_PRODUCTS: dict[str, tuple[str, str, str, float, str]] = {
    "jd_item_1309403_skyworth_m300.html": (
        "jd", "1309403", "创维（Skyworth）M300 网络电视机顶盒 四核 芒果TV 安卓智能高清播放器 黑色", 249.0, "京东自营"),
    "jd_item_1309906709_sanqing_tea_health_claims.html": (
        "jd", "1309906709", "【买五送一】知医堂三清茶5g*10袋 清口气去除口臭口干口苦茶腔异味漱口水 调理肠胃通便", 35.9,
        "知医堂旗舰店"),
    "jd_item_1310667616_screen_protector.html": (
        "jd", "1310667616", "阿奇猫 防爆钢化玻璃膜/手机保护贴膜 适用于华为荣耀G750/3X pro/3X畅玩版 钢化膜", 29.9,
        "阿奇猫旗舰店"),
    "mia_item_1000747_hape_blocks.html": (
        "selfshop", "1000747", "Hape 益智积木 80块积木 适用年龄1到2岁 22.5cm*13cm*8cm", 179.0, "蜜芽"),
    "mia_item_1008321_puzzle.html": (
        "selfshop", "1008321", "木马智慧 SMART TOYS 中国地图拼图益智玩具 彩", 74.0, "蜜芽"),
}  # fmt: skip


def extract_cli(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """`wangjian extract FILE` (no --spider) as a user runs it; its JSON output."""
    assert wangjian(["extract", str(path), *args]) == 0
    return json.loads(capsys.readouterr().out)


def _check_product(got: dict[str, Any], expected: tuple[str, str, str, float, str]) -> None:
    platform, item_id, title, price, shop = expected
    assert (got["platform"], got["page_kind"], got["item_id"]) == (platform, "product", item_id)
    assert (got["title"], got["price"], got["shop_name"]) == (title, price, shop)
    assert set(got["sources"]) >= {"title", "price", "shop_name"}


def _page_url(platform: str, item_id: str) -> str:
    return f"https://item.jd.com/{item_id}.html" if platform == "jd" else f"https://www.mia.com/item-{item_id}.html"


@pytest.mark.parametrize("name", sorted(PRODUCTS))
def test_committed_real_item_pages(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Recognised from the page alone, and from its address."""
    _check_product(extract_cli(COMMITTED / name, capsys), PRODUCTS[name])
    got = extract_cli(COMMITTED / name, capsys, "--url", _page_url(*PRODUCTS[name][:2]))
    _check_product(got, PRODUCTS[name])
    assert got["recognised_by"] == "host" and got["detail_image_urls"]
    assert all(u.startswith(("http://", "https://")) for u in got["detail_image_urls"])


#: file → (page address, what the page shows); a field the page does not show must stay empty.
MORE_PRODUCTS: dict[str, tuple[str, dict[str, Any]]] = {
    "mogujie_item_1kcnxeu_honor8_youth.html": ("http://shop.mogujie.com/detail/1kcnxeu", {
        "platform": "mogujie", "item_id": "1kcnxeu", "title": "【送礼】华为honor/荣耀 荣耀8青春版全网通智能手机正品",
        "price": 1099.0, "price_max": 1599.0, "shop_name": "首佳数码专营店", "shop_id": "1172srde"}),
    "tmall_item_44089553661_clarks_shoes.html": ("https://detail.tmall.com/item.htm?id=44089553661", {
        "platform": "tmall", "item_id": "44089553661",
        "title": "【聚】clarks休闲女鞋Un Halsie简洁轻便舒适大方平跟英伦 妈妈", "price": 1499.0, "price_max": None,
        "shop_name": "clarks官方旗舰店", "shop_id": "104748017"}),
    "amazon_com_item_B0C1H26C46_huawei_p60_pro.html": ("https://www.amazon.com/dp/B0C1H26C46", {
        "platform": "amazon", "item_id": "B0C1H26C46",
        "title": "Huawei P60 Pro Dual SIM 8GB + 256GB Global Model MNA-LX9 Factory Unlocked Mobile Cellphone - Black",
        "price": None, "shop_name": None}),  # not offered to the visitor's region: no price, no seller shown
    "amazon_com_item_193435659X_seven_languages_mobile.html": ("https://www.amazon.com/dp/193435659X", {
        "platform": "amazon", "item_id": "193435659X", "price": 21.11, "currency": "USD", "shop_name": "Amazon.com",
        "title": "Seven Languages in Seven Weeks: A Pragmatic Guide to Learning Programming Languages "
                 "(Pragmatic Programmers)"}),
    "amazon_co_uk_item_1849757097_vegetable_perfection.html": (
        "https://www.amazon.co.uk/Vegetable-Perfection-tasty-recipes-shoots/dp/1849757097/ref=asap_bc?ie=UTF8", {
        "platform": "amazon", "item_id": "1849757097", "price": 4.45, "currency": "GBP", "shop_name": "Goldstone-Books",
        "title": "Vegetable Perfection: 100 delicious recipes for roots, bulbs, shoots and stems"}),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(MORE_PRODUCTS))
def test_committed_real_item_pages_of_more_platforms(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    url, expected = MORE_PRODUCTS[name]
    for args, how in (((), "markers"), (("--url", url), "host")):
        got = extract_cli(COMMITTED / name, capsys, *args)
        assert (got["page_kind"], got["recognised_by"]) == ("product", how)
        assert {k: got.get(k) for k in expected} == expected
        assert got["sources"]["title"].startswith(expected["platform"] + ":")
        if expected["price"] is not None:
            assert got["sources"]["price"].startswith(expected["platform"] + ":")


def test_committed_real_mogujie_item_page_images(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(COMMITTED / "mogujie_item_1kcnxeu_honor8_youth.html", capsys)
    assert got["price_text"] == "¥1099.00~¥1599.00" and len(got["image_urls"]) == 5
    assert len(got["detail_image_urls"]) == 17 and got["sources"]["detail_image_urls"] == "mogujie:graphic"
    assert got["detail_image_urls"][0] == (
        "http://s3.mogucdn.com/mlcdn/c45406/170523_5k1311kjab02bhd4f54cl055b73ce_790x897.jpg_750x999.jpg"
    )


def test_committed_real_mogujie_category_page_lists_products(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(COMMITTED / "mogujie_category_10059513_phones.html", capsys)
    assert (got["platform"], got["page_kind"], got["recognised_by"]) == ("mogujie", "listing", "markers")
    products = got["products"]
    assert len(products) == 40 and all(p["title"] and p["price"] and p["item_id"] for p in products)
    assert products[0] == {"url": "http://shop.mogujie.com/detail/1kq96y2", "item_id": "1kq96y2",
                           "title": "【官方正品】oppo r11s全面屏双摄拍照智能手机可分期", "price": 2999.0}  # fmt: skip
    assert products[2]["price"] == 731.61 and len(set(got["item_urls"])) == 40


def test_committed_real_shopee_search_page_lists_its_structured_products(capsys: pytest.CaptureFixture[str]) -> None:
    path = COMMITTED / "shopee_th_search_xiaomi_phones.html"
    for args, how in (((), "markers"), (("--url", "https://shopee.co.th/search?keyword=xiaomi"), "host")):
        got = extract_cli(path, capsys, *args)
        assert (got["platform"], got["page_kind"], got["recognised_by"]) == ("shopee", "listing", how)
        assert got["sources"]["products"] == "structured:products"
        products = got["products"]
        assert len(products) == 50 and all(p["title"] and p["price"] and p["item_id"] for p in products)
        assert (products[0]["item_id"], products[0]["price"]) == ("2672591511", 9599.0)
        assert products[0]["title"] == "Xiaomi Mi 9T (Redmi K20) 6GB RAM 128GB ROM Global Version【รับประกัน1 ปี"
        assert products[0]["url"].startswith("https://shopee.co.th/Xiaomi-Mi-9T-") and len(set(got["item_urls"])) == 50


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("taobao_detail_569936522789_leather_bucket_bag.json", {
            "item_id": "569936522789", "title": "IUBALLET芭蕾因雾福利秒杀欧洲站水桶真皮女包手提包单肩斜挎小包",
            "price": 100.0, "price_max": 290.0, "shop_name": "IUBALLET芭蕾因雾 studio", "shop_id": "128548716"}),
        ("taobao_detail_538323791950_vegetable_tanned_bag.json", {
            "item_id": "538323791950", "title": "荣轻复古原创手工牛皮水桶包植鞣皮斜挎包时尚文艺手提包单肩女包",
            "price": 399.5, "price_max": None, "shop_name": "「荣」轻复古皮具", "shop_id": "102738814"}),
    ],
)  # fmt: skip
def test_committed_real_taobao_detail_responses(
    name: str, expected: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """The PC detail interface's JSON (what today's Taobao item pages are drawn from)."""
    url = f"https://item.taobao.com/item.htm?id={expected['item_id']}"
    for args, how in (((), "markers"), (("--url", url), "host")):
        got = extract_cli(COMMITTED / name, capsys, *args)
        assert (got["platform"], got["page_kind"], got["recognised_by"]) == ("taobao", "product", how)
        assert {k: got.get(k) for k in expected} == expected
        assert got["sources"]["price"] == "taobao:detail-json" and got["image_urls"][0].startswith("https://")
        assert got["promo"][0].startswith("券后¥") and got["attributes"]["品牌"]


def test_detail_responses_read_the_same_as_jsonp_and_a_bare_list_reads_as_nothing() -> None:
    """The detail interfaces answer in JSONP when the page asks with a callback (``mtopjsonp3(…)``);
    a response that is a list, or cut short, is no item and does not stop the reading."""
    body = (COMMITTED / "taobao_detail_569936522789_leather_bucket_bag.json").read_text(encoding="utf-8")
    url = "https://item.taobao.com/item.htm?id=569936522789"
    [plain], _ = read_page(body, url)
    [wrapped], _ = read_page(f"mtopjsonp3({body})", url)
    assert wrapped.data == plain.data and plain.data["price_max"] == 290.0
    assert wrapped.sources["price"] == "taobao:detail-json"
    for broken in (f"[{body}]", f"mtopjsonp3({body[: len(body) // 2]}"):
        [got], _ = read_page(broken, url)
        assert "price" not in got.data and not got.data.get("products")
    offer = (REAL_JSON / "1688_offer_detail_1.json").read_text(encoding="utf-8") if REAL_JSON.is_dir() else None
    if offer is not None:
        url = "https://detail.1688.com/offer/597090034012.html"
        [plain], _ = read_page(offer, url)
        [wrapped], _ = read_page(f"jsonp_1688({offer});", url)
        assert wrapped.data == plain.data and plain.data["price_max"] == 20.52


@pytest.mark.parametrize(
    ("name", "url", "first"),
    [
        ("pinduoduo_search_api.json", "https://mobile.yangkeduo.com/proxy/api/search?q=%E6%9C%88%E9%A5%BC&page=1",
         {"url": "https://mobile.yangkeduo.com/goods.html?goods_id=60000000", "item_id": "60000000",
          "title": "某某 广式蛋黄莲蓉月饼礼盒 8个装 中秋送礼", "price": 10.9, "original_price": 152.0,
          "shop_name": "某某食品专卖店",
          "image_urls": ["http://t00img.yangkeduo.com/goods/images/2019-07-08/3938700hd.jpeg"]}),
        ("pinduoduo_category_goods_list.json", "http://apiv3.yangkeduo.com/operation/1917/groups?offset=0&size=100",
         {"url": "https://mobile.yangkeduo.com/goods.html?goods_id=2100000000", "item_id": "2100000000",
          "title": "某某 折叠床 单人午睡床 办公室午休床", "price": 58.0, "original_price": 240.0,
          "image_urls": ["http://t00img.yangkeduo.com/t09img/images/2018-07-12/7d2b7500.jpeg"]}),
        ("pinduoduo_search_page.html", "https://mobile.yangkeduo.com/search_result.html?search_key=%E6%9C%88%E9%A5%BC",
         {"url": "https://mobile.yangkeduo.com/goods.html?goods_id=23000000001&gallery_id=17065793910",
          "item_id": "23000000001", "title": "某某 月饼礼盒装 广式蛋黄莲蓉 中秋团购", "price": 7.9,
          "image_urls": ["https://t00img.yangkeduo.com/goods/images/2019-08-01/0a.jpg"]}),
    ],
)  # fmt: skip
def test_pinduoduo_lists_of_goods_are_listings_priced_in_yuan(
    name: str, url: str, first: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """拼多多's search and category interfaces (prices in fen) and its search page (goods only in
    ``__NEXT_DATA__``, cards without links, the site's name as og:title) are listings, not a
    product named 拼多多商城."""
    for args, how in (((), "markers"), (("--url", url), "host")):
        got = extract_cli(MODELS / name, capsys, *args)
        assert (got["platform"], got["page_kind"], got["recognised_by"]) == ("pinduoduo", "listing", how)
        assert got["sources"]["products"] == "pinduoduo:goods-list" and "title" not in got
        products = got["products"]
        assert products[0] == first and len(products) == len(set(got["item_urls"])) >= 3
        assert all(p["title"].startswith("某某") and 1 < p["price"] < 1000 for p in products)
    if name == "pinduoduo_search_page.html":
        assert products[2]["shop_name"] == "某某饼家旗舰店" and "shop_name" not in products[0]  # "" is no shop


def test_responses_saved_one_after_another_are_read_each(tmp_path: Path) -> None:
    """A file of an interface's responses one after another (a crawler's log of search pages) is
    each response's listing, not one product with nothing found; a broken sequence reads as before."""
    one = (MODELS / "pinduoduo_search_api.json").read_text(encoding="utf-8")
    single, _ = read_page(one.encode("gbk"), "file:///tmp/one.json")
    readings, how = read_page(f"{one}\n\n{one}\n".encode("gbk"), "file:///tmp/log.json")
    assert how == "markers" and [r.kind for r in readings] == ["listing", "listing"]
    assert readings[0].data["products"] == readings[1].data["products"] == single[0].data["products"]
    [broken], _ = read_page(f"{one}\n{one[:-40]}".encode(), "file:///tmp/log.json")
    assert broken.kind == "product"


@SHARED
@pytest.mark.parametrize("name", sorted(SHARED_PRODUCTS))
def test_shared_real_item_pages(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(REAL_PAGES / name, capsys)
    assert got["recognised_by"] == "markers"
    _check_product(got, SHARED_PRODUCTS[name])


@SHARED
def test_real_jd_search_page_lists_products_with_titles_and_prices(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://search.jd.com/Search?keyword=%E9%AB%98%E8%A1%80%E5%8E%8B&enc=utf-8"
    got = extract_cli(REAL_PAGES / "jd_search_gaoxueya.html", capsys, "--url", url)
    assert (got["platform"], got["page_kind"], got["recognised_by"]) == ("jd", "listing", "host")
    products = got["products"]
    assert len(products) == 30 and all(p["title"] and p["price"] for p in products)
    assert products[0] == {
        "url": "https://item.jd.com/100004702804.html", "item_id": "100004702804", "price": 99.0,
        "title": "三诺安诺心血压计家用上臂式语音测试血压仪器医用高血压测量仪", "shop_name": "三诺京东自营旗舰店",
    }  # fmt: skip
    assert got["item_urls"][:2] == ["https://item.jd.com/100004702804.html", "https://item.jd.com/2783187.html"]


@SHARED
def test_real_taobao_search_page_lists_products(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(REAL_PAGES / "taobao_search_ipad_2018.html", capsys)
    assert (got["platform"], got["page_kind"], got["recognised_by"]) == ("taobao", "listing", "markers")
    products = got["products"]
    assert len(products) >= 30 and all(p["title"] and p["price"] and p["item_id"] for p in products)
    first = products[0]
    assert (first["item_id"], first["price"], first["shop_name"]) == ("566741234264", 2288.0, "苏宁易购官方旗舰店")
    assert first["title"] == "2018新款 Apple/苹果 9.7英寸iPad 智能平板电脑 正品国行新品"
    assert first["url"].startswith("https://detail.tmall.com/item.htm?id=566741234264")


@SHARED
def test_real_gb2312_channel_page_reads_without_mojibake(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(REAL_PAGES / "dangdang_ebook_channel_gb2312.html", capsys)
    assert (got["platform"], got["page_kind"]) == ("dangdang", "listing")
    products = got["products"]
    titles = [p["title"] for p in products if p["title"]]
    assert len(products) > 100 and sum(p["price"] is not None for p in products) > 100
    assert "在绝望中寻找希望" in titles and not any("\ufffd" in t or "ï" in t for t in titles)
    book = next(p for p in products if p["url"] == "http://product.dangdang.com/1900350065.html")
    assert (book["title"], book["price"]) == ("我最想要的幸福书", 22.0)


@pytest.mark.skipif(not REAL_JSON.is_dir(), reason="shared reference responses absent")
def test_real_1688_offer_responses(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(REAL_JSON / "1688_offer_detail_1.json", capsys)
    assert (got["platform"], got["item_id"]) == ("1688", "597090034012")
    assert got["title"] == "梵贞男士洗面奶补水护肤品套装面霜洁面乳素颜霜男士护肤套盒批发"
    assert (got["price"], got["price_max"], got["original_price"]) == (2.3, 20.52, 2.88)  # both ends of the range
    assert (got["shop_name"], got["operator_name"]) == ("一枝春1688", "广州欧博化妆品有限公司")  # shop ≠ company
    assert got["cosmetic_filing_no"] == "粤G妆网备字2021527306" and len(got["image_urls"]) == 15
    got = extract_cli(REAL_JSON / "1688_offer_detail_3.json", capsys)
    assert (got["item_id"], got["price"], got.get("price_max")) == ("833454967766", 8.8, None)
    assert (got["shop_name"], got["operator_name"]) == ("兴瑞达光电", "东莞市兴瑞达光电有限公司")


# ---- pages modelled on real Tmall and pharmacy pages ------------------------------------------


def test_tmall_pc_page_in_gbk_without_meta_charset(capsys: pytest.CaptureFixture[str]) -> None:
    path = MODELS / "tmall_pc_item_gbk.html"
    assert b"charset" not in path.read_bytes()[:2000]
    got = extract_cli(path, capsys)
    assert (got["platform"], got["item_id"], got["shop_id"]) == ("tmall", "600000000001", "61234567")
    assert got["title"] == "某某 上臂式电子血压计 家用全自动高精准血压测量仪"
    assert (got["price"], got["original_price"], got["shop_name"]) == (259.0, 399.0, "某某医疗器械旗舰店")
    assert got["sources"]["price"] == "tmall:promo-price" and got["device_licence_no"] == "国械注准20192070123"
    assert got["detail_image_urls"] == [
        "https://img.alicdn.com/imgextra/i1/61234567/TB2desc1_!!61234567.jpg",
        "https://img.alicdn.com/imgextra/i2/61234567/TB2desc2_!!61234567.jpg",
    ]


def test_tmall_pc_page_saved_as_utf8_whose_meta_says_gbk(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(MODELS / "tmall_pc_item_utf8_meta_gbk.html", capsys, "--url",
                      "https://detail.tmall.com/item.htm?id=600000000002")  # fmt: skip
    assert (got["platform"], got["recognised_by"]) == ("tmall", "host")
    assert got["title"] == "某某 医用外科口罩 一次性三层防护 独立包装" and got["shop_name"] == "某某医疗大药房旗舰店"
    assert (got["price"], got["price_max"], got["price_text"]) == (29.9, 89.9, "29.90-89.90")


def test_tmall_pc_page_of_the_2024_layout_selling_a_prescription_drug(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(MODELS / "tmall_pc_2025_rx_item.html", capsys)
    assert (got["platform"], got["recognised_by"], got["item_id"]) == ("tmall", "markers", "700000000004")
    assert got["title"] == "某某 缬沙坦胶囊 80mg*14粒/盒 原发性高血压" and got["shop_name"] == "某某大药房旗舰店"
    assert (got["price"], got["original_price"]) == (26.8, 39.9)
    assert got["sources"]["price"] == "tmall:highlight-price"
    assert (got["drug_approval_no"], got["prescription"]) == ("国药准字H20990004", True)
    assert got["attributes"]["品牌"] == "某某" and got["attributes"]["药品类型"] == "处方药"
    assert got["internet_drug_info_cert"] == "(浙)-经营性-2099-0004"
    assert got["drug_online_sale_filing"] == "浙药网备字2099000004号"


def test_tmall_pc_page_of_the_2023_layout_keeps_both_ends_of_the_coupon_price(
    capsys: pytest.CaptureFixture[str],
) -> None:
    got = extract_cli(MODELS / "tmall_pc_2023_item.html", capsys)
    assert (got["platform"], got["shop_name"]) == ("tmall", "某某个护旗舰店")
    assert got["title"] == "某某 电动牙刷成人款 声波软毛 情侣套装"
    assert (got["price"], got["price_max"], got["original_price"]) == (139.0, 279.0, 159.0)
    assert got["attributes"] == {"品牌": "某某", "型号": "MM-300"}


def test_tmall_pc_page_with_its_detail_document_inline_keeps_the_range_of_all_skus(
    capsys: pytest.CaptureFixture[str],
) -> None:
    got = extract_cli(MODELS / "tmall_pc_2025_item_inline_data.html", capsys)
    assert (got["platform"], got["item_id"], got["shop_name"]) == ("tmall", "700000000008", "某某健康大药房旗舰店")
    assert (got["price"], got["price_max"]) == (29.8, 79.8) and got["sources"]["price"] == "taobao:detail-json"
    assert got["promo"] == ["券后¥25.80起"] and got["shop_url"] == "https://moumoujk.tmall.com"
    assert (got["drug_approval_no"], got["prescription"]) == ("国药准字H20990008", True)


@pytest.mark.parametrize(
    "script",
    [
        "window.__ICE_APP_CONTEXT__=window.__ICE_APP_CONTEXT__||{};window.__ICE_APP_CONTEXT__={",
        "var b={",
    ],
)
def test_tmall_inline_detail_document_found_whatever_leads_the_script(script: str) -> None:
    """The app context is the object holding "loaderData", also behind a guard that assigns an
    empty object first or in a variable handed to ``__ICE_APP_CONTEXT__`` later."""
    page = (MODELS / "tmall_pc_2025_item_inline_data.html").read_text(encoding="utf-8")
    page = page.replace("<script>window.__ICE_APP_CONTEXT__={", "<script>" + script, 1)
    page = page.replace(";</script>", ";window.__ICE_APP_CONTEXT__=b;</script>", 1) if script == "var b={" else page
    [got], _ = read_page(page.encode(), "https://detail.tmall.com/item.htm?id=700000000008")
    assert (got.data["price"], got.data["price_max"], got.sources["price"]) == (29.8, 79.8, "taobao:detail-json")


def test_detail_document_of_2025_keeps_its_parameter_table() -> None:
    """Pages of 2025 list parameters as propertyName / valueName pairs in
    ``plusViewVO.industryParamVO`` (basicParamList, enhanceParamList); the 批准文号 among them
    reaches the approval number."""
    res = {
        "item": {"itemId": "700000000009", "title": "某某 布洛芬缓释胶囊 0.3g*24粒"},
        "seller": {"shopName": "某某大药房旗舰店", "sellerType": "B"},
        "plusViewVO": {"industryParamVO": {
            "enhanceParamList": [{"propertyName": "批准文号", "valueName": "国药准字H10900089 "}],
            "basicParamList": [{"propertyName": "品牌", "valueName": "某某"},
                               {"propertyName": "规格", "valueName": ""}],
        }},
    }  # fmt: skip
    context = {"appData": None, "loaderData": {"home": {"data": {"res": res}}}}
    page = f"<html><body><script>window.__ICE_APP_CONTEXT__={json.dumps(context, ensure_ascii=False)}</script>"
    [got], _ = read_page(page.encode(), "https://detail.tmall.com/item.htm?id=700000000009")
    assert got.data["attributes"] == {"批准文号": "国药准字H10900089", "品牌": "某某"}
    assert (got.data["drug_approval_no"], got.data["shop_name"]) == ("国药准字H10900089", "某某大药房旗舰店")


def test_tmall_shop_name_behind_a_build_prefix() -> None:
    page = (
        "<html><head><title>某某 保温杯-tmall.com天猫</title></head><body>"
        '<span class="_4nNipe17pV--shopName--ccf81bdd">某某家居旗舰店</span>'
        '<div class="_4nNipe17pV--highlightPrice--fea17cf4"><span>￥</span><span>45.00</span></div></body></html>'
    )
    [got], how = read_page(page.encode(), "https://detail.tmall.com/item.htm?id=700000000005")
    assert (how, got.data["shop_name"], got.data["price"]) == ("host", "某某家居旗舰店", 45.0)


def test_tmall_parameter_list_keeps_every_value_of_a_repeated_label() -> None:
    """A Tmall PC phone page of 2020 lists 产品名称 and CPU型号 twice in ``#J_AttrUL`` (the 3C
    certificate block, then the seller's own list): both values are kept."""
    page = (
        "<html><head><title>Apple/苹果 iPhone 11 Pro-tmall.com天猫</title></head><body><ul id='J_AttrUL'>"
        "<li title='TD-LTE 数字移动电话机'>产品名称：TD-LTE 数字移动电话机</li>"
        "<li>CPU型号:&nbsp;A13</li><li title='Apple/苹果 Apple iphone...'>产品名称：Apple/苹果 Apple iphone...</li>"
        "<li>CPU型号:&nbsp;A13仿生处理器</li><li>CPU型号:&nbsp;A13</li></ul></body></html>"
    )
    [got], _ = read_page(page.encode(), "https://detail.tmall.com/item.htm?id=609353516840")
    assert got.data["attributes"] == {
        "产品名称": "TD-LTE 数字移动电话机；Apple/苹果 Apple iphone...",
        "CPU型号": "A13；A13仿生处理器",
    }


def test_tmall_h5_page(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(MODELS / "tmall_h5_item.html", capsys)
    assert (got["platform"], got["item_id"], got["shop_name"]) == ("tmall", "600000000003", "某某健康旗舰店")
    assert (got["price"], got["price_max"], got["original_price"]) == (39.9, 59.9, 79.0)
    assert got["drug_approval_no"] == "国药准字H00000000" and got["sources"]["title"] == "tmall:h5-data"
    assert got["attributes"] == {"品牌": "某某", "批准文号": "国药准字H00000000", "规格": "100片"}


def test_tmall_h5_page_of_2017_in_gbk_prices_every_sku(capsys: pytest.CaptureFixture[str]) -> None:
    path = MODELS / "tmall_h5_2017_item_gbk.html"
    assert b"charset" not in path.read_bytes()
    got = extract_cli(path, capsys)
    assert (got["platform"], got["item_id"], got["shop_id"]) == ("tmall", "600000000006", "62000006")
    assert got["title"] == "某某 复方板蓝根颗粒 15g*20袋 清热解毒"
    assert (got["price"], got["price_max"], got["original_price"]) == (19.9, 36.8, 24.0)
    assert (got["shop_name"], got["shop_url"]) == ("某某大药房旗舰店", "https://moumoudyf.m.tmall.com")
    assert got["attributes"]["批准文号"] == got["drug_approval_no"] == "国药准字Z20000006"
    # the showcase is the main pictures (full size), not the description, which loads from descUrl
    assert got["image_urls"] == ["https://img.alicdn.com/imgextra/i1/2200000006/TB2h5main_!!2200000006.jpg"]
    assert "detail_image_urls" not in got


def test_pharmacy_prescription_drug_page(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(
        MODELS / "pharmacy_rx_item.html", capsys, "--url", "https://www.yaofang.cn/c/product/2099001.html"
    )
    assert (got["platform"], got["recognised_by"]) == ("pharmacy", "host")
    assert (got["title"], got["spec"], got["price"]) == ("氯沙坦钾片", "50mg*7片*2板 / 盒", 32.5)  # as shown
    assert (got["drug_approval_no"], got["prescription"]) == ("国药准字H20990001", True)
    assert got["manufacturer"] == "某某制药有限公司" and got["shop_name"] == "北京-朝阳区-某某分店"
    assert got["internet_drug_info_cert"] == "(京)-经营性-2099-0001"
    assert got["drug_online_sale_filing"] == "京药网备字2099000001号"
    assert got["licence_image_urls"] == [
        "https://img.example-pharmacy.cn/licence/business_licence_922.jpg",
        "https://img.example-pharmacy.cn/licence/drug_licence_922.jpg",
    ]
    assert got["detail_image_urls"][0] == "https://img.example-pharmacy.cn/images/spxq_2099001_1.jpg"
    assert got["sources"]["prescription"] == "pharmacy:rx-badge" and got["sources"]["spec"] == "label"


def test_jd_pharmacy_prescription_drug_page_in_gbk(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(MODELS / "jd_pharmacy_rx_item_gbk.html", capsys)
    assert (got["platform"], got["item_id"], got["shop_name"]) == ("jd", "100000000007", "某某大药房京东自营旗舰店")
    assert got["shop_url"] == "https://mall.jd.com/index-1000000007.html"  # the shop header's link
    assert (got["title"], got["price"]) == ("某某 厄贝沙坦片 0.15g*7片/盒 原发性高血压", 23.5)
    assert (got["drug_approval_no"], got["prescription"], got["spec"]) == ("国药准字H20990007", True, "0.15g*7片")
    assert got["sources"]["drug_approval_no"] == "spider:jd" and got["manufacturer"] == "某某制药有限公司"
    # the store's own, from its drop-down; the footer's (京)-经营性-2099-0000 is JD's
    assert got["internet_drug_info_cert"] == "(京)-经营性-2099-0007"
    assert got["drug_online_sale_filing"] == "京药网备字2099000007号"


def test_marketplace_footer_licences_are_not_the_sellers(capsys: pytest.CaptureFixture[str]) -> None:
    """Every real JD page shows JD's own 互联网药品信息服务 certificate in its footer, whatever the
    seller: a shop of utility knives does not hold it. A self-built site's footer is its own."""
    page = COMMITTED / "jd_item_1309611252_deli_blades.html"
    assert "(京)-经营性-2014-0008" in page.read_bytes().decode("utf-8", "replace")
    got = extract_cli(page, capsys)
    assert got["platform"] == "jd" and "internet_drug_info_cert" not in got
    footer = '<div id="footer"><p>互联网药品信息服务资格证书：(京)-经营性-2099-0100</p></div>'
    for url, platform, expected in (
        ("https://item.taobao.com/item.htm?id=1", "taobao", None),
        ("https://www.example-pharmacy.cn/p/1.html", "generic", "(京)-经营性-2099-0100"),
    ):
        html = f"<html><head><title>某某 维生素C片</title></head><body><h1>某某 维生素C片</h1>{footer}</body></html>"
        reading = read_page(html.encode("utf-8"), url)[0][0]
        assert (reading.platform, reading.data.get("internet_drug_info_cert")) == (platform, expected)


def test_jd_mobile_prescription_drug_page(capsys: pytest.CaptureFixture[str]) -> None:
    """item.m.jd.com: read from ``_itemOnly`` / ``_itemInfo``; the full name over the one cut
    short, the parameter table's drug facts, the plain 京东价 while the shown price is in a
    private font."""
    for args in ((), ("--url", "https://item.m.jd.com/product/100000000011.html")):
        got = extract_cli(MODELS / "jd_m_rx_item.html", capsys, *args)
        how = "host" if args else "markers"
        assert (got["platform"], got["item_id"], got["recognised_by"]) == ("jd", "100000000011", how)
        assert got["title"] == "某某 缬沙坦胶囊 80mg*28粒 高血压 1盒装" and got["sources"]["title"] == "jd:mobile-data"
        assert (got["price"], got["original_price"]) == (36.8, 42.0)
        assert (got["drug_approval_no"], got["prescription"], got["manufacturer"]) == (
            "国药准字H20000011",
            True,
            "某某制药有限公司",
        )
        assert got["image_urls"][0].startswith("https://img10.360buyimg.com/n1/jfs/t1/100001/")


def test_jd_mobile_page_of_about_2021_prices_from_its_item_info() -> None:
    page = (
        "<html><head><title>某某 保温杯 500ml【行情 报价 价格 评测】-京东</title></head><body><script>"
        'window._itemOnly = ({"item":{"skuId":"5000001","brandName":"某某","image":["jfs/t1/1/a.jpg"],'
        '"expandAttrDesc":{"容量":["500ml"]}}});'
        'window._itemInfo = ({"price":{"p":"59.00","op":"99.00"},"stock":{"StockState":33}});'
        "</script></body></html>"
    )
    [got], how = read_page(page.encode(), "https://item.m.jd.com/product/5000001.html")
    assert (how, got.data["title"], got.data["item_id"]) == ("host", "某某 保温杯 500ml", "5000001")
    assert (got.data["price"], got.data["original_price"], got.data["attributes"]) == (59.0, 99.0, {"容量": "500ml"})
    glyphs = page.replace('"price":{"p":"59.00","op":"99.00"}', '"priceFloor":{"price":"\\uE184\\uEE94.\\uE1AF"}')
    [unread], _ = read_page(glyphs.encode(), "https://item.m.jd.com/product/5000001.html")
    assert "price" not in unread.data  # a price in a private font's code points is not guessed


def test_jianke_mobile_prescription_drug_page(capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_cli(MODELS / "jianke_m_rx_item.html", capsys)
    assert (got["platform"], got["title"], got["spec"]) == ("pharmacy", "缬沙坦氨氯地平片(I)", "7片")
    assert (got["price"], got["original_price"]) == (58.0, 76.0) and got["sources"]["price"] == "label"
    assert (got["drug_approval_no"], got["prescription"]) == ("国药准字H20990009", True)
    assert got["internet_drug_info_cert"] == "(粤)-经营性-2099-0009"
    assert got["drug_online_sale_filing"] == "粤药网备字2099000009号"


def test_in_process_reader_agrees_with_the_command() -> None:
    body = (COMMITTED / "jd_item_1309611252_deli_blades.html").read_bytes()
    ex, how = read_page(body, "https://item.jd.com/1309611252.html")
    assert how == "host" and ex[0].data["shop_name"] == "得力办公官方旗舰店"


def test_both_ends_of_a_real_price_range_reach_the_rules_document() -> None:
    from crawler.items import ProductItem
    from pipelines.normalise import build_document

    body = (COMMITTED / "mogujie_item_1kcnxeu_honor8_youth.html").read_bytes()
    [reading], _ = read_page(body, "http://shop.mogujie.com/detail/1kcnxeu")
    fields = {k: v for k, v in reading.data.items() if k in ProductItem.model_fields}
    doc = build_document(ProductItem(platform=reading.platform, url=reading.url, **fields))
    assert (doc.attributes.price, doc.attributes.price_max) == (1099.0, 1599.0)
    assert doc.fields["price_text"] == "¥1099.00~¥1599.00"


def test_1688_offer_page_of_about_2020_in_gbk(capsys: pytest.CaptureFixture[str]) -> None:
    """The offer in single-quoted script objects, the company apart from the seller's login name,
    the medical-device registration from the parameter cells."""
    for args in ((), ("--url", "https://detail.1688.com/offer/600000000021.html")):
        got = extract_cli(MODELS / "1688_offer_2020_gbk.html", capsys, *args)
        assert (got["platform"], got["item_id"], got["price"]) == ("1688", "600000000021", 18.5)
        assert got["title"] == "某某 医用外科口罩 一次性 独立包装 50只/盒"
        assert (got["operator_name"], got["shop_name"]) == ("某某医疗器械有限公司", "某某医疗器械")
        assert got["device_licence_no"] == "苏械注准20992140021"
        assert got["sources"]["device_licence_no"] == "1688:offer-page"


def test_1688_search_page_of_advertised_offers_lists_them_by_their_offer_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The cards link through the ad redirect and name their offer only in the tracking data: each
    becomes the offer's own page, with its name and the price the comments split; the footer's
    licences are Alibaba's and make no product."""
    got = extract_cli(MODELS / "1688_search_offer_cards.html", capsys)
    assert (got["platform"], got["recognised_by"], got["page_kind"]) == ("1688", "markers", "listing")
    assert got["sources"]["products"] == "1688:offer-cards"
    assert [(p["item_id"], p["url"], p["price"]) for p in got["products"]] == [
        ("700000000101", "https://detail.1688.com/offer/700000000101.html", 12.5),
        ("700000000102", "https://detail.1688.com/offer/700000000102.html", 1.45),
        ("700000000103", "https://detail.1688.com/offer/700000000103.html", 3.0),
    ]
    assert got["products"][0]["title"] == "某某 一次性医用外科口罩 三层防护 独立包装 50只/盒"
    assert got["item_urls"] == [p["url"] for p in got["products"]]


def test_1688_offer_page_of_the_current_layout_reads_its_inline_model(capsys: pytest.CaptureFixture[str]) -> None:
    """The page model inline in ``window.context`` (bare numeric keys and a string holding
    ",10:30" included): title, both ends of the price, the company apart from the seller's login
    name, the SKUs' 规格, the device filing, the main pictures; the interface's icons and the
    size chart's column heads are not read as detail pictures or as the 规格."""
    got = extract_cli(MODELS / "1688_offer_2026_context.html", capsys)
    assert (got["platform"], got["item_id"]) == ("1688", "900000000031")
    assert got["title"] == "医用冷敷贴 术后修复敷料 械字号 批发10片装"
    assert (got["price"], got["price_max"]) == (12.5, 19.8)
    assert (got["operator_name"], got["shop_name"]) == ("广州某某生物科技有限公司", "某某生物")
    assert got["shop_url"] == "https://moumoushengwu.1688.com"
    assert got["spec"] == "10片/盒、5片/盒"
    assert got["device_licence_no"] == "粤穗械备20210456号"
    assert got["attributes"]["净含量"] == "25g"
    assert len(got["image_urls"]) == 2
    assert "detail_image_urls" not in got
    assert got["sources"]["title"] == "1688:offer-title"


def test_1688_page_model_keeps_strings_that_look_like_bare_keys() -> None:
    from crawler.extract.layouts import alibaba

    html = '<script>x(window.contextPath,{"result":{"data":{"a":{"t":"付款,10:30前"}},"w":{5931:0.6}}});</script>'
    context = alibaba.page_context(html)
    assert context is not None
    assert context["result"]["data"]["a"]["t"] == "付款,10:30前"
    assert context["result"]["w"] == {"5931": 0.6}
    assert alibaba.page_context("<script>x(window.contextPath,{broken</script>") is None


def test_real_tmall_pc_page_as_served_has_no_description_pictures_and_full_size_main_pictures() -> None:
    """The description still says 描述加载中: the gallery thumbnails and icons of the page are
    not description pictures; the main pictures are the thumbnails at full size."""
    body = (COMMITTED / "tmall_item_44089553661_clarks_shoes.html").read_bytes()
    [got], _ = read_page(body, "https://detail.tmall.com/item.htm?id=44089553661")
    assert "detail_image_urls" not in got.data
    assert (
        got.data["image_urls"][0]
        == "http://gi1.md.alicdn.com/bao/uploaded/i1/TB1.QUVHXXXXXX9apXXXXXXXXXX_!!0-item_pic.jpg"
    )
    assert len(got.data["image_urls"]) == 5 and got.sources["image_urls"] == "tmall:gallery"


def test_tmall_pc_page_whose_facts_are_only_in_its_configuration() -> None:
    """A 2015–2019 page before its scripts ran: the shop name URL-encoded in
    ``itemDO.sellerNickName``, the price in ``itemDO.reservePrice`` (or ``#J_StrPrice``), the
    parameters as ``itemDO.newProGroup`` groups."""
    setup = {
        "itemDO": {"itemId": "520000000012", "title": "某某 维生素C咀嚼片 100片", "reservePrice": "39.00",
                   "sellerNickName": "%E6%9F%90%E6%9F%90%E5%A4%A7%E8%8D%AF%E6%88%BF%E6%97%97%E8%88%B0%E5%BA%97",
                   "newProGroup": [{"groupName": "基本信息", "attrs": [
                       {"name": "品牌", "value": "某某"}, {"name": "批准文号", "value": "国药准字H20990012"}]}]},
        "rstShopId": "62000012", "detail": {},
    }  # fmt: skip
    page = (
        "<html><head><title>某某 维生素C咀嚼片 100片-tmall.com天猫</title></head><body>"
        '<div id="J_DetailMeta"><div class="tb-detail-hd"><h1></h1></div></div>'
        f"<script>TShop.Setup({json.dumps(setup, ensure_ascii=False)});</script></body></html>"
    )
    [got], how = read_page(page.encode("gbk"), "file:///tmp/saved.html")
    assert (how, got.platform, got.data["item_id"], got.data["shop_id"]) == (
        "markers",
        "tmall",
        "520000000012",
        "62000012",
    )
    assert (got.data["title"], got.data["price"], got.data["shop_name"]) == (
        "某某 维生素C咀嚼片 100片",
        39.0,
        "某某大药房旗舰店",
    )
    assert got.data["attributes"] == {"品牌": "某某", "批准文号": "国药准字H20990012"}
    assert (got.data["drug_approval_no"], got.sources["attributes"]) == ("国药准字H20990012", "tmall:setup")
    shown = page.replace(
        '<div id="J_DetailMeta">', '<div id="J_StrPrice"><em class="tm-price">35.00</em></div><div id="J_DetailMeta">'
    )
    [got], _ = read_page(shown.encode("gbk"), "file:///tmp/saved.html")
    assert (got.data["price"], got.sources["price"]) == (35.0, "tmall:price")


def test_description_pictures_leave_out_icons_and_loader_marks() -> None:
    """JD marks a loaded picture ``data-lazyload="done"`` (its address then in ``src``); icons,
    logos, sprites and small pictures (by their attributes, or the size Alibaba's picture service
    writes into the name: Taobao's 80×14 海量新品 badge) are no description pictures; a picture whose link says
    营业执照 is a licence picture, except in the footer, where it is JD's own."""
    page = (
        "<html><head><title>某某店</title></head><body><h1>某某 保温杯</h1><span>¥59.00</span>"
        '<div id="J-detail-content">'
        '<img data-lazyload="done" src="//img30.360buyimg.com/sku/jfs/t1/1/desc1.jpg">'
        '<img data-lazyload="//img30.360buyimg.com/sku/jfs/t1/1/desc2.jpg"'
        ' src="//misc.360buyimg.com/lib/img/e/blank.gif">'
        '<img src="//img.alicdn.com/tps/i2/TB1Y4UCGXXXXXaIXpXXCBGNFFXX-24-24.png">'
        '<img src="//img.example.cn/shop/logo.png"><img src="//img.example.cn/x/ok.png" width="16" height="16">'
        '<img class="icon-rx" src="//img.example.cn/x/rx.png">'
        '<img src="//img.alicdn.com/tps/TB1uibqKpXXXXXjXXXXXXXXXXXX-80-14.png">'
        '<img src="//img.alicdn.com/tps/i3/TB1descXXXXXXXXXXXXXXXXXXXX-790-1200.jpg">'
        '</div><div class="J-hove-wrap"><a href="/licence" title="营业执照"><img src="//img.example.cn/x/p1.jpg"></a>'
        '</div><div id="footer-2017"><a href="/jd-licence" title="营业执照"><img src="//img.example.cn/x/jd.jpg"></a>'
        "</div></body></html>"
    )
    [got], _ = read_page(page.encode(), "https://item.jd.com/100000000013.html")
    assert got.data["detail_image_urls"] == [
        "https://img30.360buyimg.com/sku/jfs/t1/1/desc1.jpg",
        "https://img30.360buyimg.com/sku/jfs/t1/1/desc2.jpg",
        "https://img.alicdn.com/tps/i3/TB1descXXXXXXXXXXXXXXXXXXXX-790-1200.jpg",
    ]
    assert got.data["licence_image_urls"] == ["https://img.example.cn/x/p1.jpg"]


def test_mobile_detail_interface_jsonp_of_a_tmall_pharmacy(capsys: pytest.CaptureFixture[str]) -> None:
    """``mtop.taobao.detail.getdetail`` as JSONP, its live part a JSON string (2016–2019): the price
    range paid and the struck-through one, the shop, the drug facts of ``props.groupProps``."""
    for args, how in (((), "markers"), (("--url", "https://detail.m.tmall.com/item.htm?id=600000000031"), "host")):
        got = extract_cli(MODELS / "tmall_mtop_getdetail_rx_item.jsonp", capsys, *args)
        assert (got["platform"], got["recognised_by"], got["item_id"]) == ("tmall", how, "600000000031")
        assert (got["title"], got["shop_name"], got["shop_id"]) == (
            "某某 阿莫西林胶囊 0.25g*24粒/盒 处方药", "某某大药房旗舰店", "62000031")  # fmt: skip
        assert (got["price"], got["price_max"], got["original_price"]) == (29.8, 59.8, 39.8)
        assert (got["drug_approval_no"], got["prescription"], got["spec"]) == ("国药准字H20990031", True, "0.25g*24粒")
        assert got["manufacturer"] == "某某制药有限公司" and got["sources"]["price"] == "taobao:mtop-detail"
        assert "shop_url" not in got  # an app link (tmall://…) is no web address


def test_mobile_detail_interface_json_of_a_taobao_shop_with_its_live_part_as_an_object() -> None:
    """The 2020 shape: ``apiStack[0].value`` an object, a C seller, a web shop address."""
    esi = {
        "item": {"title": "某某 保温杯 500ml"},
        "price": {
            "price": {"priceText": "45.00", "priceTitle": "国庆价"},
            "extraPrices": [{"priceText": "69.00", "lineThrough": "true"}],
        },
    }
    doc = {"api": "wdetail", "v": "6.0", "data": {
        "apiStack": [{"name": "esi", "value": esi}],
        "item": {"itemId": "600000000032", "images": ["//img.alicdn.com/a.jpg"]},
        "seller": {"shopName": "某某家居", "shopId": "100032", "sellerType": "C", "shopUrl": "//shop100032.taobao.com"},
        "props": {"groupProps": [{"基本信息": [{"品牌": "某某 "}]}, {"其他": [{"容量": "500ml "}]}]}}}  # fmt: skip
    [got], how = read_page(json.dumps(doc, ensure_ascii=False).encode(), "file:///tmp/detail.json")
    assert (how, got.platform, got.data["title"], got.data["item_id"]) == (
        "markers",
        "taobao",
        "某某 保温杯 500ml",
        "600000000032",
    )
    assert (got.data["price"], got.data["original_price"], got.data["shop_name"]) == (45.0, 69.0, "某某家居")
    assert got.data["shop_url"] == "https://shop100032.taobao.com"
    assert got.data["attributes"] == {"品牌": "某某", "容量": "500ml"}


def test_real_jd_page_of_2015_keeps_its_parameter_lists_and_packaging_table() -> None:
    body = (COMMITTED / "jd_item_1309770426_steering_cover.html").read_bytes()
    [got], _ = read_page(body, "https://item.jd.com/1309770426.html")
    attrs = got.data["attributes"]
    assert (attrs["商品编号"], attrs["类别"], attrs["款式风格"], attrs["适用季节"]) == (
        "1309770426",
        "方向盘套",
        "商务",
        "四季通用",
    )
    assert got.sources["attributes"] == "jd:parameters" and "prescription" not in got.data
    main = "https://img10.360buyimg.com/n1/jfs/t316/316/626418721/475264/a74b4f89/541ba6f1Nf7f262e7.jpg"
    assert got.data["image_urls"] == [main] and got.sources["image_urls"] == "jd:page-config"
    listed = body.replace(b"src: 'jfs/", b'imageList: ["jfs/t1/2/a.jpg","jfs/t1/2/b.jpg"], src: \'jfs/', 1)
    [got], _ = read_page(listed, "https://item.jd.com/1309770426.html")
    assert got.data["image_urls"] == [
        "https://img10.360buyimg.com/n1/jfs/t1/2/a.jpg",
        "https://img10.360buyimg.com/n1/jfs/t1/2/b.jpg",
    ]


@pytest.mark.parametrize(
    ("flags", "kind", "expected"),
    [('"isPrescriptCat-0","isOTCCat-1"', "OTC", False), ('"isPrescriptCat-1","isOTCCat-0"', "处方药", True)],
)
def test_jd_drug_page_reads_its_packaging_table_and_category_flags(flags: str, kind: str, expected: bool) -> None:
    """The 2017–2021 规格与包装 table (``.Ptable-item`` ``dt`` / ``dd``, a hint ``dd`` between some),
    the category flags of ``pageConfig.product.specialAttrs``."""
    page = (
        "<html><head><title>某某 布洛芬缓释胶囊【行情 报价 价格 评测】-京东</title></head><body><script>"
        "var pageConfig = {compatible: true, product: {skuid: 100000000014, name: '某某 布洛芬缓释胶囊',"
        f" shopId:'1000014', specialAttrs:[{flags},\"is7ToReturn-0\"]}}}};</script>"
        '<div class="sku-name">某某 布洛芬缓释胶囊 0.3g*24粒</div>'
        '<div class="summary-price"><span class="p-price"><span>￥</span><span class="price J-p-100000000014">'
        "19.80</span></span></div>"
        '<div id="detail"><div class="Ptable"><div class="Ptable-item"><h3>主体</h3><dl class="clearfix">'
        "<dt>批准文号</dt><dd>国药准字H20990014</dd>"
        f'<dt>产品类型</dt><dd class="Ptable-tips"><i class="Ptable-sprite-question"></i></dd><dd>{kind}</dd>'
        "<dt>生产企业</dt><dd>某某制药有限公司</dd></dl></div></div></div></body></html>"
    )
    [got], _ = read_page(page.encode(), "https://item.jd.com/100000000014.html")
    assert got.data["attributes"] == {"批准文号": "国药准字H20990014", "产品类型": kind, "生产企业": "某某制药有限公司"}
    assert (got.data["drug_approval_no"], got.data["manufacturer"]) == ("国药准字H20990014", "某某制药有限公司")
    assert got.data["prescription"] is expected and got.sources["prescription"] == "jd:parameters"
    [flagged], _ = read_page(
        page.replace(f"<dd>{kind}</dd>", "<dd></dd>").encode(), "https://item.jd.com/100000000014.html"
    )
    assert flagged.data["prescription"] is expected and flagged.sources["prescription"] == "jd:special-attrs"


def test_operator_company_from_a_footer_copyright_line() -> None:
    """A self-built store or pharmacy names its operating company in its copyright line; a shop
    name there is no company, and a marketplace's footer names the marketplace."""
    body = (COMMITTED / "mia_item_1080104_edushape.html").read_bytes()
    [got], _ = read_page(body, "https://www.mia.com/item-1080104.html")
    assert (got.data["shop_name"], got.data["operator_name"]) == ("蜜芽", "北京花旺在线商贸有限公司")
    assert got.sources["operator_name"] == "footer-copyright"
    page = (
        "<html><head><title>某某 维生素C片 100片_某某大药房</title></head><body><h1>某某 维生素C片 100片</h1>"
        "<p>会员价：￥12.50</p><div class='footer'>{}</div></body></html>"
    )
    for footer, company in (
        ("© 2012-2024 某某大药房连锁有限公司 沪ICP备00000000号", "某某大药房连锁有限公司"),
        ("上海某某医药有限公司 版权所有", "上海某某医药有限公司"),
        ("Copyright@2017 某某科技（武汉）有限公司版权所有，保留所有权利", "某某科技（武汉）有限公司"),
        ("版权所有：某某医疗器械股份有限公司　ICP备案号：鲁ICP备00000000号-1", "某某医疗器械股份有限公司"),
        ("Copyright © 2024 某某大药房 保留一切权利。", None),
    ):
        [got], _ = read_page(page.format(footer).encode(), "https://www.example-pharmacy.cn/p/1.html")
        assert got.data.get("operator_name") == company
    [jd], _ = read_page(page.format("© 2004-2024 北京京东世纪贸易有限公司").encode(), "https://item.jd.com/1.html")
    assert "operator_name" not in jd.data


def test_tmall_search_page_of_about_2020_in_gbk_lists_its_products(capsys: pytest.CaptureFixture[str]) -> None:
    """list.tmall.com: ``div.product`` cards in ``#J_ItemList``, the full name in the link's
    ``title`` (its text marks the keyword up), the price in ``em[title]``, the shop's name."""
    url = "https://list.tmall.com/search_product.htm?q=%B2%B9%B8%C6"
    for args, how in (((), "markers"), (("--url", url), "host")):
        got = extract_cli(MODELS / "tmall_list_2020_gbk.html", capsys, *args)
        assert (got["platform"], got["page_kind"], got["recognised_by"]) == ("tmall", "listing", how)
        assert got["sources"]["products"] == "tmall:product-list" and len(got["products"]) == 3
        first = got["products"][0]
        assert (first["item_id"], first["price"], first["shop_name"]) == ("600000000041", 58.0, "某某母婴旗舰店")
        assert first["title"] == "某某 维生素D滴剂 400单位*30粒 婴幼儿补钙"
        assert first["url"].startswith("https://detail.tmall.com/item.htm?id=600000000041&")
    assert got["next_url"].startswith("https://list.tmall.com/search_product.htm?s=60&q=%B2%B9%B8%C6")


def test_jd_device_page_packaging_table_nested_as_served() -> None:
    """JD serves ``.Ptable-item > dl > dl.clearfix > dt/dd``; a device's registration is labelled
    医疗器械注册证编号或者备案凭证编号."""
    page = (
        "<html><head><title>某某 电子血压计【行情 报价 价格 评测】-京东</title></head><body>"
        '<div class="sku-name">某某 电子血压计 上臂式</div>'
        '<div class="Ptable"><div class="Ptable-item"><h3>主体</h3><dl>'
        '<dl class="clearfix"><dt>医疗器械注册证编号或者备案凭证编号</dt><dd>苏械注准20992070015</dd></dl>'
        '<dl class="clearfix"><dt>品牌</dt><dd>某某</dd></dl></dl></div></div></body></html>'
    )
    [got], _ = read_page(page.encode(), "https://item.jd.com/100000000015.html")
    assert got.data["attributes"] == {"医疗器械注册证编号或者备案凭证编号": "苏械注准20992070015", "品牌": "某某"}
    assert (got.data["device_licence_no"], got.sources["device_licence_no"]) == ("苏械注准20992070015", "jd:parameters")


def test_taobao_item_page_parameter_list() -> None:
    """Taobao PC item pages list parameters in ``#attributes ul.attributes-list`` as "名称:&nbsp;值"."""
    page = (
        "<html><head><title>某某 鱼油软胶囊 100粒-淘宝网</title></head><body>"
        '<div id="J_Title"><h3 class="tb-main-title" data-title="某某 鱼油软胶囊 100粒">'
        "某某 鱼油软胶囊 100粒</h3></div>"
        '<div id="J_StrPrice"><em class="tb-rmb">¥</em><em class="tb-rmb-num">88.00</em></div>'
        '<div id="attributes" class="attributes"><ul class="attributes-list">'
        '<li title="某某">品牌:&nbsp;某某</li><li title="国食健字G20990016">批准文号:&nbsp;国食健字G20990016</li>'
        '<li title="100粒">规格:&nbsp;100粒</li></ul></div></body></html>'
    )
    [got], how = read_page(page.encode(), "https://item.taobao.com/item.htm?id=600000000016")
    assert (how, got.platform, got.data["title"], got.data["price"]) == (
        "host",
        "taobao",
        "某某 鱼油软胶囊 100粒",
        88.0,
    )
    assert got.data["attributes"] == {"品牌": "某某", "批准文号": "国食健字G20990016", "规格": "100粒"}
    assert got.sources["attributes"] == "taobao:attributes" and got.data["spec"] == "100粒"


@SHARED
def test_real_mia_page_description_pictures_leave_out_buyers_review_photos() -> None:
    """The whole page sits in ``div.content.detail``; the 50 photos of buyers' reviews (口碑,
    ``div.wordOfMouth``) are not description pictures."""
    body = (REAL_PAGES / "mia_item_1000747_hape_blocks.html").read_bytes()
    [got], _ = read_page(body, "https://www.mia.com/item-1000747.html")
    pictures = got.data["detail_image_urls"]
    assert len(pictures) == 28 and not any("/koubei/" in u for u in pictures)
