"""The part of a picture a clue cites, with the box drawn, for reports and clue documents."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw

from ocr.reading import Box

CROP_MARGIN = 40
CROP_MAX_WIDTH = 720


def crop_with_box(data: bytes, box: Box, margin: int = CROP_MARGIN, max_width: int = CROP_MAX_WIDTH) -> bytes:
    """A PNG of the region around `box` (plus `margin` pixels of context, the full width of
    narrow pictures) with the box outlined in red."""
    with Image.open(io.BytesIO(data)) as src:
        img = src.convert("RGB")
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    left, right = max(0, min(xs) - margin), min(img.width, max(xs) + margin)
    if img.width <= max_width:
        left, right = 0, img.width
    top, bottom = max(0, min(ys) - margin), min(img.height, max(ys) + margin)
    draw = ImageDraw.Draw(img)
    draw.polygon([tuple(p) for p in box], outline=(230, 0, 0), width=3)
    region = img.crop((left, top, right, bottom))
    if region.width > max_width:
        region = region.resize((max_width, round(region.height * max_width / region.width)))
    out = io.BytesIO()
    region.save(out, format="PNG")
    return out.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
