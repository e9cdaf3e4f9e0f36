"""Certificate pictures → licence facts. A certificate prints labelled rows (名称 / 统一社会信用代码
/ 住所 …) with the label in a left column and the value beside it, wrapping long values (经营范围)
onto further rows; OCR returns label and value as separate boxes, or as one when they are
close. Rows are rebuilt from the boxes, labels recognised by their words (OCR drops the
spacing in 名　　称 and may read ： or : after them), and wrapped rows appended to the value
above them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ocr.reading import ImageReading, OcrLine, rows
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
            ("经营场所", None),
            ("主体业态", None),
            ("经营方式", None),
            ("备案日期", None),
            ("仓库地址", None),
            ("质量负责人", None),
            ("发证机关", None),
            ("登记机关", None),
        ),
        key=lambda pair: -len(pair[0]),
    )
)
_SPACES = re.compile(r"[\s\u3000]+")
_LEAD = re.compile(r"^[:：\s\u3000]+")
_DATE = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})")
_LONG_TERM = re.compile(r"长期|永久|不约定期限")
_CODE_JUNK = re.compile(r"[^0-9A-Za-z]")


@dataclass
class _Value:
    key: LicenceKey
    parts: list[OcrLine] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    column: int = 0  # left edge of the value's first box: wrapped rows start there too


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
        return _CODE_JUNK.sub("", text).upper()
    if key == "valid_until":
        return valid_until(text) or text
    if key in ("name", "representative", "licence_no"):
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


def parse_certificate(
    reading: ImageReading, url: str | None = None, located: dict[int, tuple[int, int]] | None = None
) -> LicenceImage:
    """The facts a certificate picture states, each with the lowest confidence of the boxes
    its value was read from. `located` gives, by line index, where each line stands in the
    text the caller built from the reading: facts then carry their span in it."""
    index = {id(line): i for i, line in enumerate(reading.lines)}
    values: dict[LicenceKey, _Value] = {}
    current: _Value | None = None
    for row in rows(reading.lines):
        found = _label_of(row[0].text)
        if found is not None:
            _, key, rest = found
            current = None
            if key is None or key in values:
                continue
            current = _Value(key)
            if rest:
                current.parts.append(row[0])
                current.texts.append(rest)
            for line in row[1:]:
                current.parts.append(line)
                current.texts.append(line.text)
            current.column = (current.parts[0].bounds[0] if current.parts else row[0].bounds[2]) if row else 0
            values[key] = current
        elif (
            current is not None
            and current.parts
            and row[0].bounds[0] >= current.column - 2 * row[0].height
            and row[0].bounds[1] - current.parts[-1].bounds[3] < row[0].height
        ):
            # A wrapped row of the value above: starts in the value column, right below it.
            current.parts.extend(row)
            current.texts.extend(ln.text for ln in row)
        else:
            current = None
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
