"""The pack format: one pydantic definition of a rule pack and its rules.

`rules/pack.schema.json` is generated from `PackFile` (see rules/schema.py) so editors can
validate YAML while authors type. Unknown keys are errors everywhere.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules.checks import check_type
from rules.checks.base import on_register
from rules.document import Attributes, Document, TextField

Severity = Literal["S1", "S2", "S3", "S4"]
MonitoringClass = Literal["主体", "客体", "行为"]
Status = Literal["experimental", "stable", "deprecated"]
Requirement = Literal["ocr", "cross_crawl", "price_history", "checkout_sim", "account_observation"]
#: Category scope values: the Document categories plus "unknown" for a null category.
ScopeCategory = Literal["药品", "医疗器械", "化妆品", "保健食品", "食品", "普通商品", "unknown"]
#: The business departments that act on clues (docs/domain.md, "Conventions"), so reports never split one in two.
Department = Literal["药品", "医疗器械", "化妆品", "广告", "价格", "消费者权益"]

#: Structured facts a rule may test: exactly the fields of `Attributes`, so the two cannot drift.
AttributeName = Literal[tuple(Attributes.model_fields)]  # type: ignore[valid-type]

FAMILY_RE = re.compile(r"^[a-z]+\.[a-z_]+$")
RULE_ID_RE = re.compile(r"^[A-Z]+(-[A-Z]+)*-\d{3}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LegalBasis(_Strict):
    law: str
    article: str
    verified: bool = False


class Exclusion(_Strict):
    """Drop a candidate when `pattern` (regex on normalised text) matches over it or within
    `window` characters of it; with `severity` set, keep it at that severity instead."""

    pattern: str
    window: int = Field(default=0, ge=0, le=200)
    severity: Severity | None = None
    note: str | None = None


class Condition(_Strict):
    """A document-level test; every part given must hold."""

    fields: list[TextField] | None = Field(default=None, description="text fields searched; null: all")
    pattern: str | None = Field(
        default=None, description="regex on the normalised text (of the attribute's value when attribute is given)"
    )
    attribute: AttributeName | None = None
    present: bool | None = Field(default=None, description="attribute is set and non-empty")
    equals: bool | float | str | None = None
    category: list[ScopeCategory] | None = None
    kind: Literal["shop", "product"] | None = None
    option: str | None = Field(default=None, description="regex on the normalised option labels")

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        parts = (self.pattern, self.attribute, self.category, self.kind, self.option)
        if all(p is None for p in parts):
            raise ValueError("a condition needs pattern, attribute, category, kind or option")
        if (self.present is not None or self.equals is not None) and self.attribute is None:
            raise ValueError("present/equals need attribute")
        return self


class When(_Strict):
    """Combination of conditions: all of `all_of`, at least one of `any_of`, none of `none_of`."""

    all_of: list[Condition] = Field(default_factory=list)
    any_of: list[Condition] = Field(default_factory=list)
    none_of: list[Condition] = Field(default_factory=list)


class Example(_Strict):
    """A text for one field, or a whole document for structural rules."""

    text: str | None = None
    field: TextField | None = None
    category: ScopeCategory | None = None
    doc: dict[str, Any] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Example:
        if (self.text is None) == (self.doc is None):
            raise ValueError("an example has exactly one of text or doc")
        if self.doc is not None:
            Document.model_validate({"id": "example", **self.doc})
        return self


class Examples(_Strict):
    hit: list[str | Example] = Field(min_length=2)
    miss: list[str | Example] = Field(min_length=2)


class Rule(_Strict):
    id: str
    title: str
    family: str
    severity: Severity
    category_severity: dict[ScopeCategory, Severity] = Field(
        default_factory=dict, description="severity overrides by document category"
    )
    class_: MonitoringClass = Field(alias="class")
    department: Department
    task_type: Literal["常规", "专项"] | None = None
    status: Status = "stable"
    legal_basis: list[LegalBasis] = Field(min_length=1)
    fields: list[TextField] = Field(default_factory=list)
    category_scope: list[ScopeCategory] | None = Field(
        default=None, description="categories the rule applies to; null: every category"
    )
    keywords: list[str] = Field(default_factory=list, description="literal terms (Aho-Corasick)")
    patterns: list[str] = Field(default_factory=list, description="regexes on normalised text")
    anchors: list[str] = Field(
        default_factory=list,
        description="literals, one of which must occur in a field before patterns run there (the literals "
        "every match of a pattern contains count as well)",
    )
    word_boundary: bool = Field(default=False, description="keyword must align with jieba tokens")
    exclude: list[Exclusion] = Field(default_factory=list)
    when: When | None = None
    check: check_type() | None = None
    term: str | None = Field(default=None, description="hit term for structural rules")
    confidence: float | None = Field(default=None, ge=0, le=1)
    requires: list[Requirement] = Field(default_factory=list)
    evidence: str | None = None
    examples: Examples

    # filled in by the loader, never written in YAML
    pack: str = Field(default="", exclude=True)
    pack_version: str = Field(default="", exclude=True)
    pack_sha256: str = Field(default="", exclude=True)
    #: ids of the lexicons the rule's keywords, anchors or regexes reference
    lexicons: list[str] = Field(default_factory=list, exclude=True)

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not RULE_ID_RE.match(v):
            raise ValueError(f"rule id {v!r} must look like AD-ABS-001")
        return v

    @field_validator("family")
    @classmethod
    def _family_form(cls, v: str) -> str:
        if not FAMILY_RE.match(v):
            raise ValueError(f"family {v!r} must look like area.name")
        return v

    @model_validator(mode="after")
    def _has_matcher(self) -> Rule:
        if not (self.keywords or self.patterns or self.check or self.when):
            raise ValueError("a rule needs keywords, patterns, check or when")
        if self.patterns and not self.anchors:
            raise ValueError("patterns need anchors (literals that gate the regex)")
        if (self.keywords or self.patterns) and not self.fields:
            raise ValueError("keyword and pattern rules need fields")
        if not (self.keywords or self.patterns or self.check) and self.term is None:
            raise ValueError("a combination rule needs a term describing the hit")
        return self

    @property
    def structural(self) -> bool:
        return not (self.keywords or self.patterns)


class PackMeta(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: str
    description: str | None = None


class PackFile(_Strict):
    """One YAML file under rules/packs/."""

    pack: PackMeta
    rules: list[Rule] = Field(min_length=1)


class PackInfo(BaseModel):
    """Metadata of a loaded pack (RuleSet.packs)."""

    id: str
    version: str
    sha256: str
    path: str


def _rebuild_check_field() -> None:
    """A check kind registered after this module was loaded becomes valid in packs."""
    Rule.model_fields["check"].annotation = check_type() | None
    Rule.model_rebuild(force=True)
    PackFile.model_rebuild(force=True)


on_register(_rebuild_check_field)
