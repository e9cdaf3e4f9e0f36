"""Platforms, recognised from a page's address or its markup, and read by their layouts.

`recognise(url, text)` picks the platform; `read_page(body, url)` decodes and reads a saved or
fetched page. Importing this package registers every platform module below."""

from __future__ import annotations

from typing import Any

from crawler.charset import decode_html
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


def read_page(body: bytes | str, url: str, content_type: str | None = None) -> tuple[list[Reading], str]:
    """(readings, how the platform was recognised) for a page's raw bytes or text."""
    text = decode_html(body, content_type) if isinstance(body, bytes) else body
    platform, how = recognise(url, text)
    return platform.read(text, url), how


def jsonable(readings: list[Reading], how: str) -> Any:
    out = [{**e.as_dict(), "recognised_by": how} for e in readings]
    return out[0] if len(out) == 1 else out
