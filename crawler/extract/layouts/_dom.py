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


def _has_class_part(el: Any, part: str) -> bool:
    """Whether a class of `el` is the CSS-module name `part` with its hash: it starts with
    `part` (``mainTitle--O1XCl8e2``), or carries it after a module or build prefix
    (``ItemHeader--mainTitle--3CIjqW5``, ``_4nNipe17pV--shopName--ccf81bdd``,
    ``SecurityPrice--priceText--…`` for a module-qualified `part` such as ``Price--priceText--``)."""
    qualified = part[:1].isupper()
    return any(
        token.startswith(part) or f"--{part}" in token or (qualified and part in token)
        for token in (el.get("class") or "").split()
    )


def by_class_part(root: Any, part: str) -> list[Any]:
    """Elements whose class is the CSS-module name `part` with any hash (see `_has_class_part`)."""
    return [el for el in root.xpath(f'.//*[contains(@class, "{part}")]') if _has_class_part(el, part)]


def class_prefix_text(root: Any, *parts: str) -> str:
    """Text of the first element with one of the hashed CSS-module class names `parts`, tried
    in order (only the name before the hash is stable)."""
    for part in parts:
        for el in by_class_part(root, part):
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
