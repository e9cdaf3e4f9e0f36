"""What OCR read in one picture: its lines, each with its box and confidence."""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel, ConfigDict, Field

from rules import uscc

#: A text line's quadrilateral in picture pixels, clockwise from top-left, as the detector gives it.
Box = list[tuple[int, int]]


class OcrLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    box: Box
    confidence: float = Field(ge=0, le=1)

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """Axis-aligned (left, top, right, bottom) around the box."""
        xs = [p[0] for p in self.box]
        ys = [p[1] for p in self.box]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def middle(self) -> float:
        """Vertical middle of the box's left edge (where the line starts)."""
        return (self.box[0][1] + self.box[3][1]) / 2

    @property
    def height(self) -> int:
        """Height of the text itself, measured along the left edge (not the bounding box,
        which grows when the picture is turned)."""
        return max(1, abs(self.box[3][1] - self.box[0][1]))

    @property
    def slope(self) -> float:
        (x0, y0), (x1, y1) = self.box[0], self.box[1]
        return (y1 - y0) / (x1 - x0) if x1 != x0 else 0.0

    def middle_at(self, x: float) -> float:
        """Where this line's middle would be at horizontal position x, following its slant."""
        return self.middle + self.slope * (x - self.box[0][0])


class ImageReading(BaseModel):
    """One picture read once: its content address, size and lines in reading order."""

    model_config = ConfigDict(extra="forbid")

    sha256: str
    width: int
    height: int
    lines: list[OcrLine] = Field(default_factory=list)
    engine: str = ""
    seconds: float = 0.0  # time the engine took (not the time spent waiting for a worker)
    #: not given to the models: the picture has no sharp edge anywhere, so no text (ocr.engine.may_hold_text)
    textless: bool = False

    @property
    def text(self) -> str:
        return "\n".join(row_texts(self.lines))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: A code-shaped token: 18 letters and digits on their own.
_CODE_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")
#: Watermarks shops print across their certificate pictures ("仅限XX店铺使用", "仅供网店展示").
WATERMARK = re.compile(r"仅限.{0,16}(?:使用|展示|办理)|仅供.{0,10}(?:展示|使用)|(?:他用|复印|翻拍)无效|店铺?使用")
#: A line turned further than this from the picture's text (as a slope) is no line of it.
SLANT = 0.2


def skew(lines: list[OcrLine]) -> float:
    """The picture's text slope: the median slope of its long lines (a short box's slope is
    noise) turned by less than SLANT (a watermark is turned further), 0 when it has none."""
    slopes = sorted(ln.slope for ln in lines if ln.bounds[2] - ln.bounds[0] >= 4 * ln.height and abs(ln.slope) < SLANT)
    return slopes[len(slopes) // 2] if slopes else 0.0


def level(line: OcrLine, slope: float) -> float:
    """Where the line's middle would be on a picture turned straight (a shear, exact enough
    for the few degrees photos are turned by)."""
    return line.middle - slope * line.box[0][0]


def watermark_chars(lines: list[OcrLine]) -> set[str]:
    """The characters of the lines that say a watermark (none: the picture shows none)."""
    return {ch for ln in lines if WATERMARK.search(_squeeze(ln.text)) for ch in _squeeze(ln.text)}


def watermark_lines(lines: list[OcrLine], known: set[str] | frozenset[str] = frozenset()) -> set[int]:
    """Indexes of the lines of a watermark: in a picture that has one (or whose watermark's
    characters are `known` from another reading of it), lines made only of its characters
    and lines turned away from the text."""
    chars = watermark_chars(lines) | known
    if not chars:
        return set()
    slope = skew(lines)
    return {
        i
        for i, ln in enumerate(lines)
        if set(_squeeze(ln.text)) <= chars
        or (abs(ln.slope - slope) > SLANT and ln.bounds[2] - ln.bounds[0] >= 2 * ln.height)
    }


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def text_lines(lines: list[OcrLine]) -> list[OcrLine]:
    """The lines that are the picture's own text: watermark lines left out."""
    dropped = watermark_lines(lines)
    return [ln for i, ln in enumerate(lines) if i not in dropped]


def rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Group the picture's own text lines (text_lines) into visual rows (a label and its value
    are separate boxes on the same row of a certificate), top to bottom, each row left to right.
    Two boxes share a row when their vertical middles are closer than half the smaller box
    height; works on turned pictures: lines are ordered as if the picture were straight
    (`skew`), and a box is compared with where the slant of the row's nearest long box puts it,
    in any of the last few rows."""
    kept = text_lines(lines)
    slope = skew(kept)
    ordered = sorted(kept, key=lambda ln: (level(ln, slope), ln.bounds[0]))
    out: list[list[OcrLine]] = []
    for line in ordered:
        for row in reversed(out[-3:]):
            ref = min(row, key=lambda ln: abs(ln.box[0][0] - line.box[0][0]))
            along = ref.slope if ref.bounds[2] - ref.bounds[0] >= 4 * ref.height else slope
            drift = abs(ref.middle + along * (line.box[0][0] - ref.box[0][0]) - line.middle)
            if drift < 0.5 * min(ref.height, line.height) and not _overlaps(row, line):
                row.append(line)
                break
        else:
            out.append([line])
    return [sorted(row, key=lambda ln: ln.bounds[0]) for row in out]


def _overlaps(row: list[OcrLine], line: OcrLine) -> bool:
    left, _, right, _ = line.bounds
    return any(not (right <= o.bounds[0] or left >= o.bounds[2]) for o in row)


def row_texts(lines: list[OcrLine]) -> list[str]:
    return [" ".join(ln.text for ln in row) for row in rows(lines)]


def compose(lines: list[OcrLine]) -> tuple[str, list[tuple[int, int, int]]]:
    """The picture's text as rule packs see it: one text row per visual row, boxes of a row
    joined by a space, a 统一社会信用代码 misread with letters no code holds put right when its
    check character then agrees (rules.uscc.repaired: same length, so offsets hold); plus
    (start, end, line index) of every box in that text, so a hit's offsets lead back to the
    box it was read from."""
    index = {id(ln): i for i, ln in enumerate(lines)}
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    pos = 0
    for r, row in enumerate(rows(lines)):
        if r:
            parts.append("\n")
            pos += 1
        for k, line in enumerate(row):
            if k:
                parts.append(" ")
                pos += 1
            text = _CODE_TOKEN.sub(lambda m: uscc.repaired(m.group()), line.text)
            spans.append((pos, pos + len(text), index[id(line)]))
            parts.append(text)
            pos += len(text)
    return "".join(parts), spans
