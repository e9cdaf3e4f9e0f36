"""Certificate pictures → licence facts. A certificate prints labelled rows (名称 / 统一社会信用代码
/ 住所 …) with the label in a left column and the value beside it, wrapping long values (经营范围)
onto further rows; OCR returns label and value as separate boxes, or as one when they are
close. Rows are rebuilt from the boxes, labels recognised by their words (OCR drops the
spacing in 名　　称 and may read ： or : after them), and wrapped rows appended to the value
above them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ocr.reading import ImageReading, OcrLine, level, rows, skew, text_lines
from rules import uscc
from rules.document import LicenceFact, LicenceImage, LicenceKey

#: Certificate titles, most specific first.
KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("药品经营许可证", re.compile(r"药品经营许可证")),
    ("食品经营许可证", re.compile(r"食品经营许可证")),
    ("医疗器械经营许可证", re.compile(r"医疗器械经营许可证")),
    ("医疗器械经营备案凭证", re.compile(r"医疗器械经营备案|器械经营备案凭证")),
    ("互联网药品信息服务资格证书", re.compile(r"互联网药品信息服务资格证")),
    ("营业执照", re.compile(r"营业执照")),
)

#: Printed labels → the fact they introduce. Longer labels first so 法定代表人（负责人）
#: wins over 法定代表人 and 统一社会信用代码 over 社会信用代码.
LABELS: tuple[tuple[str, LicenceKey | None], ...] = tuple(
    sorted(
        (
            ("统一社会信用代码", "uscc"),
            ("社会信用代码", "uscc"),
            ("名称", "name"),
            ("企业名称", "name"),
            ("经营者名称", "name"),
            ("服务机构名称", "name"),
            ("住所", "address"),
            ("注册地址", "address"),
            ("法定代表人（负责人）", "representative"),
            ("法定代表人(负责人)", "representative"),
            ("法定代表人", "representative"),
            ("企业负责人", "representative"),
            ("负责人", "representative"),
            ("经营者", "representative"),
            ("经营范围", "scope"),
            ("经营项目", "scope"),
            ("营业期限", "valid_until"),
            ("有效期至", "valid_until"),
            ("有效期限", "valid_until"),
            ("有效期", "valid_until"),
            ("许可证编号", "licence_no"),
            ("备案编号", "licence_no"),
            ("证号", "licence_no"),
            ("证书编号", "licence_no"),
            ("编号", "licence_no"),
            # Rows read but not kept, so their values never run into the previous fact.
            ("类型", None),
            ("注册资本", None),
            ("成立日期", None),
            ("经营场所", "address"),
            ("主体业态", None),
            ("经营方式", None),
            ("备案日期", None),
            ("仓库地址", None),
            ("质量负责人", None),
            ("发证机关", None),
            ("登记机关", None),
            ("服务性质", None),
            ("分类码", None),
            ("签发人", None),
            ("日常监督管理机构", None),
        ),
        key=lambda pair: -len(pair[0]),
    )
)
_LABEL_TEXTS = frozenset(label for label, _ in LABELS)
_SPACES = re.compile(r"[\s\u3000]+")
_LEAD = re.compile(r"^[:：\s\u3000]+")
_DATE = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})")
_LONG_TERM = re.compile(r"长期|永久|不约定期限")
_CODE_JUNK = re.compile(r"[^0-9A-Za-z]")


def _label_of(text: str) -> tuple[str, LicenceKey | None, str] | None:
    """(label, key, rest of the text) when `text` starts with a known label."""
    squeezed = _SPACES.sub("", text)
    for label, key in LABELS:
        if squeezed.startswith(label):
            # Map the label's length in squeezed text back onto the original text.
            seen, cut = 0, len(text)
            for i, ch in enumerate(text):
                if seen == len(label):
                    cut = i
                    break
                if not _SPACES.fullmatch(ch):
                    seen += 1
            return label, key, _LEAD.sub("", text[cut:])
    return None


def certificate_kind(reading: ImageReading) -> str | None:
    head = "".join(ln.text for ln in reading.lines)
    for kind, pattern in KINDS:
        if pattern.search(head):
            return kind
    return None


def _normal_value(key: LicenceKey, text: str) -> str:
    text = text.strip()
    if key == "uscc":
        return uscc.repaired(_CODE_JUNK.sub("", text).upper())
    if key == "valid_until":
        return valid_until(text) or text
    if key in ("name", "representative", "licence_no", "address"):
        return _SPACES.sub("", text)
    return text


def valid_until(text: str) -> str | None:
    """The last day of validity: 长期, or the last date in the text as YYYY-MM-DD."""
    if _LONG_TERM.search(text):
        return "长期"
    dates = _DATE.findall(text)
    if not dates:
        return None
    y, m, d = dates[-1]
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


@dataclass
class _Value:
    key: LicenceKey | None  # None: a row read but not kept (its label is known, its value unused)
    label: OcrLine  # the box the label was read in
    left: float  # where the label starts (inside its box when OCR joined it to a value before it)
    parts: list[OcrLine] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    column: float = 0.0  # where the value's text starts: wrapped rows start there too

    def add(self, line: OcrLine, text: str, x: float) -> None:
        if not self.parts:
            self.column = x
        self.parts.append(line)
        self.texts.append(text)

    def full(self) -> bool:
        """A code is complete at 18 characters: what follows is no part of it."""
        return self.key == "uscc" and len(_CODE_JUNK.sub("", "".join(self.texts))) >= 18


#: A piece of a line: the label it starts with (and its key) or None, where the label starts,
#: the text after the label, and where that text starts (picture x, estimated by character).
_Piece = tuple[tuple[str, LicenceKey | None] | None, float, str, float]


def _pieces(line: OcrLine, whole: str) -> list[_Piece]:
    """The line's text (`whole`: all of it or its end) cut where labels start. OCR joins a
    value and the next column's label into one box when they stand close, so long labels
    (four characters or more) are looked for inside the text too."""
    left, _, right, _ = line.bounds
    per_char = (right - left) / max(1, len(line.text))
    left += (len(line.text) - len(whole)) * per_char
    found = _label_of(whole)
    head: tuple[str, LicenceKey | None] | None = (found[0], found[1]) if found else None
    text = found[2] if found else whole
    start = len(whole) - len(text)
    label_at = 0
    out: list[_Piece] = []
    while True:
        cut = min(
            ((text.find(label), label, key) for label, key in LABELS if len(label) >= 4 and text.find(label) > 0),
            default=None,
        )
        if cut is None:
            out.append((head, left + label_at * per_char, text, left + start * per_char))
            return out
        at, label, key = cut
        out.append((head, left + label_at * per_char, text[:at], left + start * per_char))
        label_at = start + at
        rest = _LEAD.sub("", text[at + len(label) :])
        start += len(text) - len(rest)
        head, text = (label, key), rest


def _spread_labels(row: list[OcrLine]) -> list[tuple[OcrLine, str]]:
    """The row's lines and the text to read in each, with a label printed spread out
    (名　　称, 住　　所) and read as one box per character joined back into one box; when its
    last character came in one box with the value, that box is read from the value on."""
    out: list[tuple[OcrLine, str]] = []
    i = 0
    while i < len(row):
        joined, j = _SPACES.sub("", row[i].text), i + 1
        while j < len(row) and joined and joined not in _LABEL_TEXTS and _prefixes(joined):
            following = _SPACES.sub("", row[j].text)
            label = next((lab for lab in _prefixes(joined) if (joined + following).startswith(lab)), None)
            if label is not None and len(joined + following) > len(label):
                # The label's last characters begin the next box, the value follows them.
                out.append((_joined(row[i:j], label), label))
                rest = _LEAD.sub("", following[len(label) - len(joined) :])
                out.append((row[j], rest))
                i, joined = j + 1, ""
                break
            joined, j = joined + following, j + 1
        if not joined:
            continue
        if j > i + 1 and joined in _LABEL_TEXTS:
            out.append((_joined(row[i:j], joined), joined))
            i = j
        else:
            out.append((row[i], row[i].text))
            i += 1
    return out


def _prefixes(text: str) -> list[str]:
    """The labels `text` is the beginning of."""
    return [label for label in _LABEL_TEXTS if label.startswith(text)]


def _joined(boxes: list[OcrLine], text: str) -> OcrLine:
    """One box around `boxes` (of one row), saying `text`."""
    first, last = boxes[0], boxes[-1]
    box = [first.box[0], last.box[1], last.box[2], first.box[3]]
    return OcrLine(text=text, box=box, confidence=min(ln.confidence for ln in boxes))


def _below(line: OcrLine, above: OcrLine, slope: float, rows_apart: float = 2.5, lowest: float = 0.5) -> bool:
    """Whether `line` stands on one of the next rows below `above` (`lowest`: at least this
    many heights of `above` lower)."""
    gap = level(line, slope) - level(above, slope)
    return lowest * above.height < gap < rows_apart * max(line.height, above.height)


def parse_certificate(
    reading: ImageReading, url: str | None = None, located: dict[int, tuple[int, int]] | None = None
) -> LicenceImage:
    """The facts a certificate picture states, each with the lowest confidence of the boxes
    its value was read from. `located` gives, by line index, where each line stands in the
    text the caller built from the reading: facts then carry their span in it.

    Rows are read column by column: a label opens a value in its column (closing the one above
    it there), the boxes after it on its row are that value, unless a box lines up under the
    value of another column, which it then continues (two-column layouts, and wrapped values);
    a label alone on its row takes the value printed under it."""
    index = {id(line): i for i, line in enumerate(reading.lines)}
    slope = skew(text_lines(reading.lines))
    values: dict[LicenceKey, _Value] = {}
    open_: list[_Value] = []  # values that may continue on the next rows, one per column

    def continued(line: OcrLine, x: float, beside: _Value | None) -> _Value | None:
        tolerance = 2 * line.height
        for value in open_:
            if value is beside or value.full():
                continue
            if value.parts:
                if abs(x - value.column) < tolerance and _below(line, value.parts[-1], slope):
                    return value
            elif value.left - tolerance <= x < value.left + 12 * line.height and _below(
                line, value.label, slope, 2.0, lowest=0.0
            ):
                # A label alone on its row: its value is printed under it, or beside it but
                # left on a row of its own by a photo's perspective.
                return value
        return None

    for row in rows(reading.lines):
        current: _Value | None = None
        for line, whole in _spread_labels(row):
            for head, left, text, x in _pieces(line, whole):
                if head is not None:
                    current = _Value(head[1], line, left)
                    open_ = [v for v in open_ if abs(v.left - left) >= 2 * line.height]
                    open_.append(current)
                    if head[1] is not None and head[1] not in values:
                        values[head[1]] = current
                    if text.strip():
                        current.add(line, text, x)
                    continue
                if not text.strip():
                    continue
                target = continued(line, x, current)
                if target is None and current is not None:
                    far = current.parts and x - current.parts[-1].bounds[2] > 2.5 * line.height
                    target = None if far else current
                if target is not None and not target.full():
                    target.add(line, text, x)
    facts: dict[LicenceKey, LicenceFact] = {}
    for key, value in values.items():
        text = "".join(value.texts) if key == "scope" else " ".join(value.texts)
        if not value.parts or not text.strip():
            continue
        fact = LicenceFact(value=_normal_value(key, text), confidence=min(ln.confidence for ln in value.parts))
        if located is not None:
            spans = [located[index[id(ln)]] for ln in value.parts if index[id(ln)] in located]
            if spans:
                fact.start, fact.end = spans[0][0], spans[-1][1]
        facts[key] = fact
    return LicenceImage(
        kind=certificate_kind(reading),
        image_sha256=reading.sha256,
        url=url,
        confidence=min((ln.confidence for ln in reading.lines), default=None),
        facts=facts,
    )
