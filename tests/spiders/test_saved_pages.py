"""Pages saved by browsers: MHTML files and pages whose saver wrote their address in a comment
are read at that address, so `wangjian extract FILE` recognises the platform by its host."""

from __future__ import annotations

import json
import quopri
from pathlib import Path
from typing import Any

import pytest

from cli import main as wangjian
from crawler.extract.platforms import read_page
from crawler.extract.saved import is_mhtml, saved_url, unwrap
from tests.spiders.conftest import ROOT

COMMITTED = ROOT / "tests" / "spiders" / "real_pages"
TMALL = COMMITTED / "tmall_item_44089553661_clarks_shoes.html"
TMALL_URL = "https://detail.tmall.com/item.htm?id=44089553661"


def mhtml(page: bytes, url: str, charset: str) -> bytes:
    """`page` wrapped as Chrome's "Save as single file" writes it: a multipart/related message,
    the page quoted-printable with its charset in the part header, one more part after it."""
    boundary = "----MultipartBoundary--Xk3uQ7dKfJ1vP0RZ----"
    head = (
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {url}\r\n"
        "Subject: =?utf-8?Q?clarks?=\r\n"
        "Date: Tue, 24 Mar 2015 14:00:00 -0000\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"\r\n\r\n\r\n'
    )
    part = (
        f"--{boundary}\r\nContent-Type: text/html\r\nContent-ID: <frame-0@mhtml.blink>\r\n"
        f"Content-Transfer-Encoding: quoted-printable\r\nContent-Location: {url}\r\n\r\n"
    ).replace("text/html", f'text/html; charset="{charset}"', 1)
    css = (
        f"\r\n--{boundary}\r\nContent-Type: text/css\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: https://g.alicdn.com/x.css\r\n\r\nbody { margin: 0; }\r\n"
        f"--{boundary}--\r\n"
    )
    body = quopri.encodestring(page.replace(b"\n", b"\r\n"))
    return head.encode() + part.encode() + body + css.encode()


def extract(path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    assert wangjian(["extract", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_real_tmall_page_saved_as_mhtml(charset: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = TMALL.read_bytes().decode("utf-8").encode(charset)
    path = tmp_path / "clarks.mhtml"
    path.write_bytes(mhtml(page, TMALL_URL, charset))
    assert is_mhtml(path.read_bytes()) and unwrap(path.read_bytes()).url == TMALL_URL
    got = extract(path, capsys)
    assert (got["platform"], got["recognised_by"], got["url"]) == ("tmall", "saved-url", TMALL_URL)
    assert (got["item_id"], got["price"], got["shop_name"]) == ("44089553661", 1499.0, "clarks官方旗舰店")
    assert got["title"] == "【聚】clarks休闲女鞋Un Halsie简洁轻便舒适大方平跟英伦 妈妈"


@pytest.mark.parametrize(
    "comment",
    [
        f"<!-- saved from url=({len(TMALL_URL):04d}){TMALL_URL} -->",
        f"<!--\n Page saved with SingleFile \n url: {TMALL_URL} \n saved date: Tue Mar 24 2015 22:00:00 GMT+0800\n-->",
    ],
)
def test_page_whose_saver_named_its_address(comment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = TMALL.read_text(encoding="utf-8")
    path = tmp_path / "saved.html"
    path.write_text(comment + "\n" + text, encoding="utf-8")
    assert saved_url(path.read_text(encoding="utf-8")) == TMALL_URL
    got = extract(path, capsys)
    assert (got["platform"], got["recognised_by"], got["item_id"]) == ("tmall", "saved-url", "44089553661")


def test_an_address_given_on_the_command_line_wins_over_the_saved_one() -> None:
    page = "<!-- saved from url=(0031)https://item.jd.com/100001.html -->\n<html><title>x</title></html>"
    [got], how = read_page(page.encode(), "https://detail.tmall.com/item.htm?id=1")
    assert (got.platform, how) == ("tmall", "host")
    [got], how = read_page(page.encode(), "file:///tmp/saved.html")
    assert (got.platform, how, got.url) == ("jd", "saved-url", "https://item.jd.com/100001.html")


def test_a_comment_naming_a_local_file_is_no_address() -> None:
    assert saved_url("<!-- saved from url=(0014)about:internet -->") is None
    assert not is_mhtml(b"<html><body>From: someone</body></html>")


def test_pictures_saved_beside_a_complete_page_point_at_its_folder(tmp_path: Path) -> None:
    """ "Save page as … complete" keeps the pictures in ``<name>_files/``; read at the page's web
    address they are found in that folder, not on the platform's host."""
    text = TMALL.read_text(encoding="utf-8").replace(
        "描述加载中", '<img src="./clarks_files/TB2desc1.jpg"><img data-ks-lazyload="https://img.alicdn.com/d2.jpg">', 1
    )
    page = f"<!-- saved from url=({len(TMALL_URL):04d}){TMALL_URL} -->\n{text}"
    file_url = (tmp_path / "clarks.html").as_uri()
    [got], how = read_page(page.encode(), file_url)
    assert (how, got.data["item_id"]) == ("saved-url", "44089553661")
    assert got.data["detail_image_urls"] == [
        f"{tmp_path.as_uri()}/clarks_files/TB2desc1.jpg",
        "https://img.alicdn.com/d2.jpg",
    ]
