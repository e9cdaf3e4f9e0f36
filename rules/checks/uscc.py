"""`check: {kind: uscc}`: a displayed 统一社会信用代码 that fails GB 32100."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from rules.checks.base import Check, Finding, register_check
from rules.document import TextField
from rules.uscc import clean, problem

if TYPE_CHECKING:
    from rules.conditions import DocView
    from rules.document import Document

#: A code following its label; the capture allows grouped writing (spaces, hyphens).
_LABELLED = re.compile(r"(?:统一社会信用代码|社会信用代码|信用代码|uscc)[^0-9a-z]{0,6}([0-9a-z]+(?:[\- ][0-9a-z]+)*)")
#: An unlabelled code-shaped token: 18 alphanumerics starting with a registrar code.
_SHAPED = re.compile(r"(?<![0-9a-z])[1-9a-y][0-9a-y]\d{6}[0-9a-z]{10}(?![0-9a-z])")


def _trim(code: str) -> str:
    """A labelled capture may run into following Latin text: stop once 18 characters are
    collected from its space- or hyphen-separated groups."""
    kept, count = [], 0
    for part in re.split(r"([\- ])", code):
        kept.append(part)
        if part not in "- ":
            count += len(part)
            if count >= 18:
                break
    return "".join(kept)


def uscc_findings(check: UsccCheck, view: DocView) -> list[Finding]:
    out: list[Finding] = []
    attr = view.doc.attributes.uscc
    if attr:
        why = _problem_or_registration(attr)
        if why:
            out.append(Finding("attributes", f"{why}：{attr}"))
    for field in check.fields:
        n = view.norm(field)
        if n is None:
            continue
        spans: list[tuple[int, int]] = []
        for m in _LABELLED.finditer(n.text):
            spans.append((m.start(1), m.start(1) + len(_trim(m.group(1)))))
        for m in _SHAPED.finditer(n.text):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
        for s, e in spans:
            code = n.text[s:e]
            if attr and clean(code) == clean(attr) and out:
                continue
            why = _problem_or_registration(code)
            if why:
                a, b = n.span(s, e)
                if field == "licence_text" and _misread_risk(view, a, check.min_ocr_confidence):
                    continue
                out.append(Finding(field, f"{why}：{n.original[a:b]}", a, b))
    return out


def _misread_risk(view: DocView, start: int, min_confidence: float) -> bool:
    """The code at `start` of licence_text was read from a picture with low OCR confidence."""
    for image in view.doc.attributes.licence_images:
        fact = image.facts.get("uscc")
        if (
            fact is not None
            and fact.start is not None
            and fact.end is not None
            and fact.start <= start < fact.end
            and fact.confidence is not None
            and fact.confidence < min_confidence
        ):
            return True
    return False


def _problem_or_registration(code: str) -> str | None:
    """A 15-digit 注册号 of an old licence is not an invalid USCC."""
    c = clean(code)
    if len(c) == 15 and c.isdigit():
        return None
    return problem(c)


@register_check
class UsccCheck(Check):
    """统一社会信用代码 shown in attributes or text fails GB 32100 format or check digit."""

    kind: Literal["uscc"]
    fields: list[TextField] = Field(default_factory=lambda: ["shop_info", "licence_text"])
    min_ocr_confidence: float = Field(
        default=0.9, ge=0, le=1, description="a code read from a picture below this confidence is left to review"
    )

    def has_input(self, doc: Document) -> bool:
        return bool(doc.attributes.uscc) or any(doc.fields.get(f) for f in self.fields)

    @classmethod
    def shape(cls, doc: Document) -> bool:
        return bool(doc.attributes.uscc)

    def findings(self, view: DocView) -> list[Finding]:
        return uscc_findings(self, view)
