"""The OCR engine: rapidocr-onnxruntime with its shipped PP-OCR models, loaded once per
process. Thread counts are fixed per engine so a pool of N single-threaded workers uses N
cores and leaves the crawl its own.

Two settings differ from rapidocr's defaults, both for CPU per picture (bench/README.md, OCR):
text lines are recognised two at a time (REC_BATCH), and a picture smaller than the detector's
736-pixel short side is enlarged for detection only up to DET_MAX_PIXELS (a 750x396 banner is
detected at 1184x640 instead of 1376x736); no picture is ever shrunk below its own size."""

from __future__ import annotations

import io
import time
from typing import Any

from PIL import Image, ImageFilter, UnidentifiedImageError

from ocr.reading import ImageReading, OcrLine, sha256_of, watermark_chars, watermark_lines


class UnreadableImage(ValueError):
    """The bytes are not a picture the engine can decode."""


#: Pictures are judged at most this many pixels on their long side (text shrunk further is
#: beyond the models anyway), and "sharp" is a brightness step of at least EDGE_STEP.
EDGE_SIDE = 1024
EDGE_STEP = 48
#: Fewer sharp-edge pixels than this, and a picture holds no text: every glyph the models
#: can read has sharp strokes, while blanks, solid fills, gradients, lazy-load placeholders
#: and soft photos have none.
TEXT_EDGE_PIXELS = 8
MIN_TEXT_SIDE = 8

#: Text-line crops per recognition run. rapidocr pads every crop of a run to the widest one
#: (and batches of 6 run slower per crop on one thread than small ones): 2 reads the same text.
REC_BATCH = 2
#: Most pixels a picture is enlarged to for detection (a 736 x 1024 picture's worth).
DET_MAX_PIXELS = 736 * 1024
#: Pictures whose first reading shows a shop's watermark are read again with it suppressed
#: (`suppress_watermark`); the number is part of the engine version, so cached readings made
#: otherwise are read again.
WATERMARK_READ = 1
#: Suppression: a pixel's brightness (its brightest channel) against the paper around it,
#: within WATERMARK_PAPER pixels; at or below INK it is black, at or above PAPER white.
WATERMARK_PAPER = 15
WATERMARK_INK = 0.45
WATERMARK_PAPER_RATIO = 0.8


def may_hold_text(img: Image.Image) -> bool:
    """Whether a decoded picture could hold readable text (cheap: one small edge filter).
    Only pictures that certainly hold none are refused, so no text is ever lost to this."""
    if min(img.size) < MIN_TEXT_SIDE:
        return False
    img.draft("L", (EDGE_SIDE, EDGE_SIDE))  # JPEG: decode at a reduced scale directly
    gray = img.convert("L")
    gray.thumbnail((EDGE_SIDE, EDGE_SIDE))
    if min(gray.size) < 3:
        return True
    edges = gray.filter(ImageFilter.FIND_EDGES).crop((1, 1, gray.width - 1, gray.height - 1))
    return sum(edges.histogram()[EDGE_STEP:]) >= TEXT_EDGE_PIXELS


def engine_version(tuned: bool = True) -> str:
    """The engine and its settings, as readings and the reading cache record them (a reading
    made with other settings is a cache miss)."""
    from importlib.metadata import version

    settings = f" rec_batch={REC_BATCH} det_max_pixels={DET_MAX_PIXELS} watermark={WATERMARK_READ}" if tuned else ""
    return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')}{settings}"


class OcrEngine:
    def __init__(self, threads: int = 1, tuned: bool = True) -> None:
        """`tuned=False` keeps rapidocr's own settings (for comparison, bench/ocr_readings.py)."""
        from rapidocr_onnxruntime import RapidOCR  # heavy: onnxruntime sessions for three models

        self._ocr: Any = RapidOCR(
            intra_op_num_threads=threads, inter_op_num_threads=1, **({"rec_batch_num": REC_BATCH} if tuned else {})
        )
        if tuned:
            prepare = _detector_input(self._ocr.text_det)
            self._ocr.text_det.get_preprocess = lambda _longest_side: prepare
        self.version = engine_version(tuned)
        self.tuned = tuned

    def read(self, data: bytes) -> ImageReading:
        try:
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise UnreadableImage(f"not a picture: {exc}") from exc
        try:
            with Image.open(io.BytesIO(data)) as img:
                textless = not may_hold_text(img)
        except (OSError, ValueError) as exc:  # truncated data that passed verify()
            raise UnreadableImage(f"not a picture: {exc}") from exc
        if textless:
            return ImageReading(sha256=sha256_of(data), width=width, height=height, engine=self.version, textless=True)
        started = time.perf_counter()
        lines = self._lines(data)
        watermark = watermark_chars(lines) if self.tuned else set()
        if watermark:
            # The second reading keeps the picture's own text: what still shows of the
            # watermark (over a dark desk, say) is left out by the characters of the first.
            again = self._lines(suppress_watermark(data))
            dropped = watermark_lines(again, watermark)
            lines = [ln for i, ln in enumerate(again) if i not in dropped]
        seconds = time.perf_counter() - started
        return ImageReading(
            sha256=sha256_of(data), width=width, height=height, lines=lines, engine=self.version, seconds=seconds
        )

    def _lines(self, picture: Any) -> list[OcrLine]:
        result, _ = self._ocr(picture)
        return [
            OcrLine(
                text=str(text),
                box=[(round(float(x)), round(float(y))) for x, y in box],
                confidence=round(min(1.0, max(0.0, float(score))), 4),
            )
            for box, text, score in (result or [])
        ]


def suppress_watermark(data: bytes) -> Any:
    """The picture in grey with a watermark printed over it faded out: a watermark is pale or
    coloured, so its brightest channel stays close to the paper around it, while ink is dark
    in every channel (a red seal fades too). Same size as the picture, so boxes need no
    mapping back. A (height, width, 3) uint8 array, as the models take pictures."""
    import cv2
    import numpy as np

    with Image.open(io.BytesIO(data)) as img:
        bright = np.asarray(img.convert("RGB")).max(axis=2).astype(np.float32)
    kernel = np.ones((WATERMARK_PAPER, WATERMARK_PAPER), np.uint8)
    paper = cv2.blur(cv2.dilate(bright, kernel), (WATERMARK_PAPER, WATERMARK_PAPER))
    ratio = bright / np.maximum(paper, 1.0)
    grey = np.clip((ratio - WATERMARK_INK) / (WATERMARK_PAPER_RATIO - WATERMARK_INK), 0.0, 1.0) * 255
    return cv2.cvtColor(grey.astype(np.uint8), cv2.COLOR_GRAY2BGR)


def _detector_input(det: Any) -> Any:
    """rapidocr's detector input (short side enlarged to 736, sides multiples of 32) with the
    enlargement bounded by DET_MAX_PIXELS, normalised in float32 (rapidocr's float64 mean and
    std double the work for the same values)."""
    import cv2
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    class DetectorInput(DetPreProcess):
        def resize(self, img: Any) -> Any:
            h, w = img.shape[:2]
            if self.limit_type == "min" and min(h, w) < self.limit_side_len:
                scale = (DET_MAX_PIXELS / (h * w)) ** 0.5
                if scale < self.limit_side_len / min(h, w):
                    scale = max(1.0, scale)
                    return cv2.resize(img, (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32)))
            return super().resize(img)

    prepare = DetectorInput(det.limit_side_len, det.limit_type, det.mean, det.std)
    prepare.mean, prepare.std = prepare.mean.astype("float32"), prepare.std.astype("float32")
    return prepare
