"""The OCR engine: rapidocr-onnxruntime with its shipped PP-OCR models, loaded once per
process. Thread counts are fixed per engine so a pool of N single-threaded workers uses N
cores and leaves the crawl its own."""

from __future__ import annotations

import io
import time
from typing import Any

from PIL import Image, UnidentifiedImageError

from ocr.reading import ImageReading, OcrLine, sha256_of


class UnreadableImage(ValueError):
    """The bytes are not a picture the engine can decode."""


def engine_version() -> str:
    from importlib.metadata import version

    return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')}"


class OcrEngine:
    def __init__(self, threads: int = 1) -> None:
        from rapidocr_onnxruntime import RapidOCR  # heavy: onnxruntime sessions for three models

        self._ocr: Any = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
        self.version = engine_version()

    def read(self, data: bytes) -> ImageReading:
        try:
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise UnreadableImage(f"not a picture: {exc}") from exc
        started = time.perf_counter()
        result, _ = self._ocr(data)
        seconds = time.perf_counter() - started
        lines = [
            OcrLine(
                text=str(text),
                box=[(round(float(x)), round(float(y))) for x, y in box],
                confidence=round(min(1.0, max(0.0, float(score))), 4),
            )
            for box, text, score in (result or [])
        ]
        return ImageReading(
            sha256=sha256_of(data), width=width, height=height, lines=lines, engine=self.version, seconds=seconds
        )
