"""Detail pictures of the platforms that number them are served (none is a 404 wasting the
crawl's OCR budget), and pictures that cannot hold text never reach the models."""

from __future__ import annotations

import html as html_module
import io
import re
import urllib.request
from collections.abc import Iterator

import pytest
from PIL import Image, ImageDraw

from fixtures.images import font
from fixtures.pictures import detail_picture
from fixtures.server import FixtureServer
from fixtures.world import build_world
from ocr.engine import may_hold_text
from ocr.pool import OcrPool

DESC = {"jd": r"/img/desc/\d+/\d+\.jpg", "taobao": r"/img/desc/\d+/\d+\.jpg", "pharmacy": r"/img/yao/desc/\d+/\d+\.jpg"}


@pytest.fixture(scope="module")
def server() -> Iterator[FixtureServer]:
    with FixtureServer(build_world()) as srv:
        yield srv


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.headers["Content-Type"], r.read()


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    return out.getvalue()


@pytest.mark.parametrize("platform", sorted(DESC))
def test_detail_pictures_are_served(server: FixtureServer, platform: str) -> None:
    products = list(server.world.products(platform))[:2]
    first: list[bytes] = []
    for product in products:
        _, _, page = get(server.item_url(product))
        html = html_module.unescape(page.decode("gbk" if platform == "taobao" else "utf-8"))  # taobao: escaped, GBK
        urls = re.findall(r'"((?:http://[^"/]+)?/' + platform + DESC[platform] + ')"', html)
        assert len(urls) >= 5, urls
        bodies = []
        for url in urls:
            status, media_type, body = get(url if url.startswith("http") else server.base_url + url)
            assert status == 200 and media_type == "image/jpeg" and body.startswith(b"\xff\xd8")
            bodies.append(body)
        # the column opens with the shop's banner: the same bytes for every product of the shop
        assert bodies[0] == detail_picture(server.world, platform, f"banner-{product.shop_id}")
        first.append(bodies[0])
        with Image.open(io.BytesIO(bodies[0])) as banner:
            assert may_hold_text(banner)
        for body in bodies[1:]:
            with Image.open(io.BytesIO(body)) as photo:
                assert not may_hold_text(photo)  # product photos: nothing to read


def test_textless_pictures_skip_the_models_and_text_is_never_lost(ocr_pool: OcrPool) -> None:
    blank = _jpeg(Image.new("RGB", (750, 500), (240, 236, 230)))
    reading = ocr_pool.read(blank)
    assert reading.textless and reading.lines == [] and reading.seconds == 0.0
    assert ocr_pool.read(_jpeg(Image.new("RGB", (4, 300), (0, 0, 0)))).textless  # too thin to hold a glyph
    # one short line of small text on a big blank picture still goes to the models and is read
    img = Image.new("RGB", (1200, 900), (250, 250, 250))
    ImageDraw.Draw(img).text((60, 420), "三天根治脱发", font=font(40), fill=(30, 30, 30))
    reading = ocr_pool.read(_jpeg(img))
    assert not reading.textless and "根治" in reading.text
