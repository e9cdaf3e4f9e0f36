"""The picture a clue's words were read from, cropped around the line with its box drawn: what
a case officer looks at to check the OCR reading against the picture as served."""

from __future__ import annotations

from html import escape
from typing import Any

from ocr.crop import crop_with_box, data_uri
from store.database import Store


def picture_crop_uri(store: Store, image: dict[str, Any]) -> str | None:
    """A PNG data URI of the cited picture around the cited box, or None when the picture's
    bytes are not in the evidence store."""
    try:
        data = store.read_artifact(image["sha256"])
    except Exception:  # gridfs NoFile, or a store that lost the object: the figure says so
        return None
    return data_uri(crop_with_box(data, [tuple(p) for p in image["box"]]))


def picture_caption(image: dict[str, Any]) -> str:
    box = " ".join(f"{x},{y}" for x, y in image["box"])
    return (
        f"图片文字识别（OCR）：“{image['text']}”，置信度 {image['confidence']:.2f}，位置 [{box}]；"
        f"图片 {image['url']}（SHA-256 {image['sha256']}，证据 {image['evidence_id']}）"
    )


def picture_figure(store: Store, image: dict[str, Any] | None) -> str:
    """Escaped HTML: the crop with its caption, or nothing for a hit not read from a picture."""
    if not image:
        return ""
    uri = picture_crop_uri(store, image)
    caption = escape(picture_caption(image))
    if uri is None:
        return f'<p class="noshot">（图片未在证据库中找到。）{caption}</p>'
    return (
        f'<figure class="ocr"><img src="{uri}" alt="图片中识别出的文字位置"><figcaption>{caption}</figcaption></figure>'
    )
