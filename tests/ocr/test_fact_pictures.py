"""A fact a page shows only as a picture of its value (药房网 draws a drug's 批准文号 as a small
PNG beside the label): the reader hands the picture to OCR as a qualification picture, and the
number read from it becomes the document's, making the page a drug's."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from crawler.extract.generic import extract_generic
from crawler.items import ProductItem, ShopItem
from fixtures.images import font
from ocr.reading import compose
from pipelines.envelope import Envelope
from pipelines.normalise import build_document
from pipelines.ocr import read_approval_number

PAGE = """<html><head><title>某某 阿莫西林胶囊 0.25g*24粒 - 药房网商城</title></head><body>
<div class="maininfo"><h1><strong>某某 阿莫西林胶囊</strong></h1><dl class="summary clearfix">
<dt>通用名称：</dt><dd><strong>阿莫西林胶囊</strong></dd><dt>规　　格：</dt><dd>0.25g*24粒</dd>
<dt>生产企业：</dt><dd>某某制药有限公司</dd>
<dt>批准文号：</dt><!-- pzwh --><dd><img src="//img.yaofangwang.com/common/pzwh/a91c3e.png" alt=""></dd></dl>
<table class="table1"><tr><th>注册证号</th><td><a href="#"><img src="/cert/zc-77.png"></a></td></tr></table>
<ul><li>商品图：<img src="/goods/photo-1.jpg"></li></ul><dl><dt>品牌</dt><dd><img src="/brand/logo-9.png"></dd></dl>
</div></body></html>"""


def _number_picture(text: str) -> bytes:
    face = font(18)
    img = Image.new("RGB", (int(face.getlength(text)) + 16, 30), "white")
    ImageDraw.Draw(img).text((8, 4), text, font=face, fill=(51, 51, 51))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def test_a_picture_standing_for_a_labelled_fact_is_read_as_a_qualification_picture() -> None:
    ex = extract_generic(PAGE, "https://www.yaofangwang.com/detail-25839110.html", "pharmacy")
    assert "drug_approval_no" not in ex.data
    assert ex.data["licence_image_urls"] == [
        "https://img.yaofangwang.com/common/pzwh/a91c3e.png",  # 批准文号 (dt / dd)
        "https://www.yaofangwang.com/cert/zc-77.png",  # 注册证号 (th / td, through a link)
    ]  # the goods photo and the brand's logo stand beside no fact label


def test_the_approval_number_read_from_its_picture_becomes_the_documents(ocr_pool) -> None:
    reading = ocr_pool.read(_number_picture("国药准字H20990001"))
    text, _ = compose(reading.lines)
    item = ProductItem(platform="pharmacy", item_id="25839110", url="https://www.yaofangwang.com/detail-25839110.html",
                       title="某某 阿莫西林胶囊 0.25g*24粒")  # fmt: skip
    envelope = Envelope(item=item, document=build_document(item))
    assert envelope.document.category != "药品"
    envelope.document.fields["licence_text"] = text
    assert read_approval_number(envelope)
    assert (envelope.document.attributes.drug_approval_no, envelope.document.category) == ("国药准字H20990001", "药品")
    assert not read_approval_number(envelope)  # a number the page gave is never replaced


def test_certificates_without_an_approval_number_and_shops_change_nothing() -> None:
    item = ProductItem(platform="pharmacy", item_id="1", url="https://shop.example.cn/1.html", title="某某 口罩")
    envelope = Envelope(item=item, document=build_document(item))
    before = envelope.document.category
    envelope.document.fields["licence_text"] = "营业执照\n统一社会信用代码 91440300MA5FXXXX00\n名称 某某大药房有限公司"
    assert not read_approval_number(envelope)
    assert (envelope.document.attributes.drug_approval_no, envelope.document.category) == (None, before)
    shop = ShopItem(platform="pharmacy", shop_id="9", url="https://shop.example.cn/", shop_name="某某大药房")
    envelope = Envelope(item=shop, document=build_document(shop))
    envelope.document.fields["licence_text"] = "药品批发 国药准字H20990001 专用"
    assert not read_approval_number(envelope) and envelope.document.attributes.drug_approval_no is None
