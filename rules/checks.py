"""Structural checks: checkout options and 统一社会信用代码 validity."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.conditions import DocView
from rules.model import OptionCheck, PriceCheck, UsccCheck
from rules.uscc import clean, problem

#: A code following its label; the capture allows grouped writing (spaces, hyphens).
_LABELLED = re.compile(r"(?:统一社会信用代码|社会信用代码|信用代码|uscc)[^0-9a-z]{0,6}([0-9a-z]+(?:[\- ][0-9a-z]+)*)")
#: An unlabelled code-shaped token: 18 alphanumerics starting with a registrar code.
_SHAPED = re.compile(r"(?<![0-9a-z])[1-9a-y][0-9a-y]\d{6}[0-9a-z]{10}(?![0-9a-z])")


@dataclass(slots=True)
class Finding:
    field: str
    term: str
    start: int | None = None
    end: int | None = None


def option_findings(
    check: OptionCheck,
    view: DocView,
    label: re.Pattern[str],
    exclude: re.Pattern[str] | None,
    disclosure: re.Pattern[str] | None,
) -> list[Finding]:
    out: list[Finding] = []
    if not view.doc.options:
        return out
    if disclosure is not None:
        for field in ("terms", "promo", "description", "subtitle"):
            n = view.norm(field)
            if n is not None and disclosure.search(n.text):
                return out
        if any(disclosure.search(lb) for lb in view.option_labels()):
            return out
    title = view.norm("title")
    for opt, norm_label in zip(view.doc.options, view.option_labels(), strict=True):
        if opt.checked != check.checked:
            continue
        term = label.search(norm_label)
        if term is None or (check.add_on and title is not None and term.group(0) in title.text):
            continue
        if exclude is not None and exclude.search(norm_label):
            continue
        if check.min_price is not None and (opt.price is None or opt.price <= check.min_price):
            continue
        out.append(Finding("options", opt.label))
    return out


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


def price_findings(check: PriceCheck, view: DocView, explanation: re.Pattern[str] | None) -> list[Finding]:
    attrs = view.doc.attributes
    if attrs.original_price is None or attrs.price is None or attrs.price <= 0:
        return []
    if attrs.original_price <= attrs.price * check.min_ratio:
        return []
    if explanation is not None:
        for field in view.doc.fields:
            n = view.norm(field)
            if n is not None and explanation.search(n.text):
                return []
    return [Finding("attributes", f"原价{attrs.original_price:g} 现价{attrs.price:g}")]
