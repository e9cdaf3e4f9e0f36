"""Platforms, recognised from a page's address or its markup, and read by their layouts.

`recognise(url, text)` picks the platform; `read_page(body, url)` decodes and reads a saved or
fetched page. Importing this package registers every platform module below."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.charset import decode_html
from crawler.extract import api_json, saved
from crawler.extract.platforms import (  # noqa: F401 - imported to register
    alibaba1688,
    amazon,
    dangdang,
    douyin,
    jd,
    mogujie,
    pharmacy,
    pinduoduo,
    selfshop,
    shopee,
    taobao,
    tmall,
)
from crawler.extract.platforms.base import PLATFORMS, GenericPlatform, Platform, recognise, register
from crawler.extract.result import Reading

__all__ = ["PLATFORMS", "GenericPlatform", "Platform", "read_page", "recognise", "register"]


def _on_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def read_page(body: bytes | str, url: str, content_type: str | None = None) -> tuple[list[Reading], str]:
    """(readings, how the platform was recognised) for a page's raw bytes or text. A page saved
    by a browser (MHTML, or with the saver's comment naming its address) read from a file is
    read at the address it was saved from: recognised by that host ("saved-url")."""
    address = None
    if isinstance(body, bytes):
        page = saved.unwrap(body)
        body, content_type, address = page.body, page.charset or content_type, page.url
    text = decode_html(body, content_type) if isinstance(body, bytes) else body
    address = address or saved.saved_url(text)
    if address and not _on_web(url):
        text = saved.local_files(text, url) if url.startswith("file:") else text
        platform, how = recognise(address, text)
        return platform.read(text, address), "saved-url" if how == "host" else how
    platform, how = recognise(url, text)
    readings = platform.read(text, url)
    if not any(r.data for r in readings) and api_json.opens_json(text) and (parts := api_json.documents(text)):
        # nothing read from what opens as JSON: several responses saved to one file, each read
        # as the page it was (only then, so a response read as usual is not decoded again)
        readings = [reading for part in parts for reading in platform.read(part, url)]
    return readings, how


def jsonable(readings: list[Reading], how: str) -> Any:
    out = [{**e.as_dict(), "recognised_by": how} for e in readings]
    return out[0] if len(out) == 1 else out
