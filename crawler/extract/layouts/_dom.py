"""Small DOM helpers the layouts share (lxml trees from `crawler.extract.generic.parse`)."""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.extract.generic import text_of


def by_id(root: Any, id_: str) -> Any:
    found = root.xpath(f'//*[@id="{id_}"]')
    return found[0] if found else None


def css_text(root: Any, css: str) -> str:
    for el in root.cssselect(css):
        text = text_of(el)
        if text:
            return text
    return ""


def css_attr(root: Any, css: str, attr: str) -> str:
    for el in root.cssselect(css):
        if (el.get(attr) or "").strip():
            return el.get(attr).strip()
    return ""


def class_prefix_text(root: Any, prefix: str) -> str:
    """Text of the first element whose class starts with `prefix` (hashed CSS-module class
    names such as ``ItemHeader--mainTitle--3CIjqW5`` keep a stable prefix)."""
    for el in root.xpath(f'//*[contains(concat(" ", @class), " {prefix}")]'):
        text = text_of(el)
        if text:
            return text
    return ""


def json_after(text: str, marker: str) -> Any:
    """The JSON value that starts right after `marker` in a script (None when absent/broken)."""
    i = text.find(marker)
    if i < 0:
        return None
    start = text.find("{", i + len(marker))
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return None
    return value


def dig(data: Any, *path: str | int) -> Any:
    for key in path:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and -len(data) <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def query_id(url: str, name: str = "id") -> str | None:
    m = re.search(rf"[?&]{name}=(\d+)", url)
    return m[1] if m else None
