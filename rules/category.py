"""What kind of product a page sells, when the crawl could not say.

The claims a page may make depend on the product: an indication is lawful on a drug page
and unlawful on a tea, a function claim is lawful on a registered 保健食品 and unlawful on
an ordinary food. Spiders give a category when the platform's category path tells it; when
it is missing (or only the generic 普通商品), the page itself usually does: a registration
or filing number, a statutory mark (蓝帽子, OTC), or the product's name. The signals are
data (`rules/categories.yaml`, with vocabularies from `rules/lexicons/`); the first one
that holds decides, and the clue records which one it was.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from rules.document import Category, Document
from rules.lexicon import Lexicon, expand_pattern
from rules.model import TextField
from rules.normalise import Normalised, normalise

SIGNALS_FILE = Path(__file__).parent / "categories.yaml"
#: A category a spider set that the page's own registration number may correct.
GENERIC = "普通商品"


class Signal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    evidence: str = Field(description="what the signal is, for the clue (药品批准文号, 商品名称 …)")
    pattern: str
    fields: list[TextField] | None = Field(default=None, description="fields searched; null: every text field")


class SignalsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signals: list[Signal] = Field(min_length=1)


class CategoryGuess(BaseModel):
    """The category rules judged a document under, and where it came from (on every clue
    as `target.category` and on every `wangjian rules scan` line as `category`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(description="a Document category, or null when unknown")
    source: Literal["document", "inferred", "unknown"] = Field(
        description="document: given by the crawl; inferred: read from the page; unknown: neither"
    )
    evidence: str | None = Field(default=None, description="the kind of signal that decided (药品批准文号, 商品名称 …)")
    field: str | None = Field(default=None, description="the text field the signal was found in")
    term: str | None = Field(default=None, description="the text of the signal as the page shows it")

    def as_dict(self) -> dict[str, str | None]:
        return self.model_dump()


@functools.cache
def given_category(name: str | None) -> CategoryGuess:
    """The (immutable, shared) guess for a category the document gave, or for none at all:
    built once per value, as every scanned document needs one."""
    return CategoryGuess(name=name, source="document" if name else "unknown")


@dataclass(slots=True)
class CompiledSignal:
    signal: Signal
    regex: re.Pattern[str]
    #: id of the literal set gating `regex` in the engine's automaton (None: always search)
    gate: int | None = None


class CategoryInference:
    def __init__(self, signals: list[Signal], lexicons: dict[str, Lexicon]) -> None:
        used: set[str] = set()
        self.signals = [CompiledSignal(s, re.compile(expand_pattern(s.pattern, lexicons, used))) for s in signals]
        self.lexicons = sorted(used)

    @functools.cached_property
    def _ungated(self) -> bool:
        return any(c.gate is None for c in self.signals)

    @functools.cached_property
    def _gates(self) -> frozenset[int]:
        return frozenset(c.gate for c in self.signals if c.gate is not None)

    @classmethod
    def load(cls, lexicons: dict[str, Lexicon], path: Path = SIGNALS_FILE) -> CategoryInference:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = SignalsFile.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))  # noqa: S506
        return cls(data.signals, lexicons)

    def may_signal(self, gates: dict[str, set[int]]) -> bool:
        """Whether any signal could hold, given the gate ids the automaton saw per field
        (read once the engine has given the signals their gates)."""
        if self._ungated:
            return True
        return any(not self._gates.isdisjoint(seen) for seen in gates.values())

    def infer(
        self,
        doc: Document,
        norm: dict[str, Normalised] | Callable[[str], Normalised | None] | None = None,
        gates: dict[str, set[int]] | None = None,
        names: list[str] | None = None,
    ) -> CategoryGuess:
        """The document's category: its own unless missing or generic, else the first signal
        found on the page, else unknown (a generic category stays when nothing overrides it)."""
        given = doc.category
        if given is not None and given != GENERIC:
            return given_category(given)
        if callable(norm):
            get, fields = norm, names or []
        else:
            texts = norm if norm is not None else {f: normalise(t) for f, t in doc.fields.items() if t}
            get, fields = texts.get, list(texts)
        for c in self.signals:
            if given == GENERIC and c.signal.evidence == "商品名称":
                break  # a name does not overrule the platform's category, a registration does
            for field in c.signal.fields or fields:
                if gates is not None and c.gate is not None and c.gate not in gates.get(field, ()):
                    continue  # none of the literals the signal needs occurs in this field
                n = get(field)
                if n is None:
                    continue
                m = c.regex.search(n.text)
                if m:
                    a, b = n.span(m.start(), m.end())
                    return CategoryGuess.model_construct(
                        name=c.signal.category,
                        source="inferred",
                        evidence=c.signal.evidence,
                        field=field,
                        term=n.original[a:b],
                    )
        if given is not None:
            return given_category(given)
        return given_category(None)
