"""`check: {kind: licence_image}`: facts read from certificate pictures (attributes.licence_images):
the licence's name against the operator the page names, its validity against today, and
pictures read too poorly to judge, which go to a person instead of becoming a violation."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from rules.checks.base import Check, Finding, register_check
from rules.document import LicenceFact, LicenceImage, LicenceKey

if TYPE_CHECKING:
    from rules.conditions import DocView
    from rules.document import Document

#: What a case officer calls each fact.
FACT_LABELS: dict[str, str] = {
    "name": "名称",
    "uscc": "统一社会信用代码",
    "address": "住所",
    "representative": "法定代表人/负责人",
    "scope": "经营范围",
    "valid_until": "有效期",
    "licence_no": "编号",
}
#: Facts a judgment rests on: a doubt about one of them needs a person.
KEY_FACTS: tuple[LicenceKey, ...] = ("name", "uscc", "valid_until")
_NAME_NOISE = re.compile(r"[\s\u3000·・.,，。:：]")
_BRACKETS = str.maketrans("（）【】", "()[]")


def comparable_name(name: str) -> str:
    return _NAME_NOISE.sub("", name.translate(_BRACKETS))


def _sure(fact: LicenceFact | None, check: LicenceImageCheck) -> bool:
    return fact is not None and (fact.confidence is None or fact.confidence >= check.min_ocr_confidence)


def _finding(fact: LicenceFact | None, term: str) -> Finding:
    if fact is not None and fact.start is not None:
        return Finding("licence_text", term, fact.start, fact.end)
    return Finding("attributes", term)


def _unsure(image: LicenceImage, check: LicenceImageCheck) -> Finding | None:
    weak = [k for k in KEY_FACTS if k in image.facts and not _sure(image.facts[k], check)]
    legible = image.confidence is None or image.confidence >= check.min_ocr_confidence
    if not weak and (legible or (image.kind is not None and image.facts)):
        # Read well: a certificate, or a picture of something else (a certificate kind the
        # parser does not know, a photo) that nobody needs to look at for this.
        return None
    kind = image.kind or "证照"
    if weak:
        fact = image.facts[weak[0]]
        what = "、".join(FACT_LABELS[k] for k in weak)
        return _finding(fact, f"{kind}图片识别置信度低（{what}：{fact.value}，{fact.confidence:.2f}），需人工复核")
    return _finding(None, f"{kind}图片未能识别出证照内容，需人工复核")


def _name_mismatch(image: LicenceImage, check: LicenceImageCheck, operator: str | None) -> Finding | None:
    name = image.facts.get("name")
    if not operator or not _sure(name, check):
        return None
    assert name is not None
    if comparable_name(name.value) == comparable_name(operator):
        return None
    return _finding(name, f"{image.kind or '证照'}名称“{name.value}”与经营者“{operator}”不一致")


def _expired(image: LicenceImage, check: LicenceImageCheck, today: date) -> Finding | None:
    until = image.facts.get("valid_until")
    if not _sure(until, check):
        return None
    assert until is not None
    try:
        last_day = date.fromisoformat(until.value)
    except ValueError:  # 长期, or a date the parser could not read
        return None
    if last_day >= today:
        return None
    return _finding(until, f"{image.kind or '证照'}有效期至{until.value}，已过期")


@register_check
class LicenceImageCheck(Check):
    """Facts read from certificate pictures: `name_mismatch` (the licence's 名称 is not the
    operator named on the page), `expired` (有效期 / 营业期限 over), `unsure` (a picture, or its
    名称 / 代码 / 期限, read below `min_ocr_confidence`: a person must look). Facts read below
    the confidence never count as mismatched or expired."""

    kind: Literal["licence_image"]
    problem: Literal["name_mismatch", "expired", "unsure"]
    licence_kinds: list[str] | None = Field(default=None, description="certificate kinds checked; null: all")
    min_ocr_confidence: float = Field(default=0.9, ge=0, le=1)

    def has_input(self, doc: Document) -> bool:
        return self.shape(doc)

    @classmethod
    def shape(cls, doc: Document) -> bool:
        return bool(doc.attributes.licence_images)

    def findings(self, view: DocView) -> list[Finding]:
        return licence_image_findings(self, view)


def licence_image_findings(check: LicenceImageCheck, view: DocView, today: date | None = None) -> list[Finding]:
    today = today or date.today()
    operator = view.doc.attributes.operator_name
    out: list[Finding] = []
    for image in view.doc.attributes.licence_images:
        if check.licence_kinds is not None and image.kind not in check.licence_kinds:
            continue
        if check.problem == "unsure":
            found = _unsure(image, check)
        elif check.problem == "name_mismatch":
            found = _name_mismatch(image, check, operator)
        else:
            found = _expired(image, check, today)
        if found is not None:
            out.append(found)
    return out
