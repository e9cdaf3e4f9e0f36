"""Document-level conditions (`when`: all_of / any_of / none_of) evaluated against one scan.

A condition regex runs only on fields where one of its required literals occurred
(`gate`, filled in by the engine from the keyword automaton pass; see rules/literals.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules import budget
from rules.literals import Regex, scouted
from rules.model import Condition, When
from rules.normalise import Normalised, NormalisedFields, normalise


@dataclass(slots=True)
class CompiledCondition:
    spec: Condition
    pattern: Regex | None
    option: re.Pattern[str] | None
    #: id of the literal set gating `pattern`, None when the regex always runs
    gate: int | None = None
    #: `gate` when `pattern` searches the text fields (not an attribute's value): where the
    #: automaton scanned every non-empty field and saw this gate in none of them, the
    #: condition cannot hold (see `evaluate`); None otherwise
    text_gate: int | None = None


@dataclass(slots=True)
class CompiledWhen:
    all_of: list[CompiledCondition]
    any_of: list[CompiledCondition]
    none_of: list[CompiledCondition]


def compile_when(when: When | None) -> CompiledWhen | None:
    if when is None:
        return None

    def one(c: Condition) -> CompiledCondition:
        return CompiledCondition(
            c,
            scouted(c.pattern) if c.pattern else None,
            re.compile(c.option) if c.option else None,
        )

    def text_last(conds: list[Condition]) -> list[CompiledCondition]:
        # all_of / none_of hold or fail as a whole, so cheap tests go first; the relative
        # order of text conditions is kept because the first one that matches names the field.
        return [one(c) for c in conds if c.pattern is None] + [one(c) for c in conds if c.pattern is not None]

    return CompiledWhen(text_last(when.all_of), [one(c) for c in when.any_of], text_last(when.none_of))


def all_conditions(when: CompiledWhen | None) -> list[CompiledCondition]:
    return [] if when is None else [*when.all_of, *when.any_of, *when.none_of]


class DocView:
    """What conditions and checks read from one document: normalised fields, lazily."""

    __slots__ = ("doc", "_fields", "_names", "_index", "_norms", "gates", "category", "_labels")

    def __init__(
        self,
        doc,  # noqa: ANN001 - Document
        fields: NormalisedFields | None = None,
        names: list[str] | None = None,
        gates: dict[str, set[int]] | None = None,
        category: str | None = None,
    ) -> None:
        self.doc = doc
        #: the document's fields normalised in one pass, by name (`names` in `fields` order)
        self._fields = fields
        self._names = names or []
        self._index: dict[str, int] | None = None
        self._norms: dict[str, Normalised] = {}
        #: field → gate ids whose literals occur in it, for the fields the automaton has
        #: scanned (every field in `names`; a scanned field missing here has none)
        self.gates = gates if gates is not None else {}
        #: the category rules judge the document under: its own, or the one read from the page
        self.category = category or doc.category or "unknown"
        self._labels: list[str] | None = None

    def _field_index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {name: i for i, name in enumerate(self._names)}
        return self._index

    def scanned(self, field: str) -> bool:
        """Whether the keyword automaton ran over `field` (so its gates are known)."""
        return field in self._field_index()

    def norm(self, field: str) -> Normalised | None:
        i = self._field_index().get(field)
        if i is not None and self._fields is not None:
            return self._fields[i]
        text = self.doc.fields.get(field)
        if not text:
            return None
        n = self._norms.get(field)
        if n is None:
            n = self._norms[field] = normalise(text)
        return n

    def option_labels(self) -> list[str]:
        if self._labels is None:
            self._labels = [normalise(o.label).text for o in self.doc.options]
        return self._labels


def _attribute_ok(c: Condition, view: DocView) -> bool:
    value = getattr(view.doc.attributes, c.attribute or "", None)
    is_set = value is not None and value != ""
    if c.present is not None and is_set != c.present:
        return False
    return not (c.equals is not None and value != c.equals)


def holds(cc: CompiledCondition, view: DocView) -> str | bool:
    """False, or truthy: the name of the field whose text matched (or True)."""
    c = cc.spec
    if c.kind is not None and view.doc.kind != c.kind:
        return False
    if c.category is not None and view.category not in c.category:
        return False
    if c.attribute is not None and not _attribute_ok(c, view):
        return False
    if c.attribute is not None and cc.pattern is not None:
        # A pattern with an attribute tests the attribute's value, e.g. which kind of
        # filing number a cosmetics page gave in its structured facts.
        value = getattr(view.doc.attributes, c.attribute, None)
        return bool(value) and cc.pattern.search(normalise(str(value)).text) is not None and "attributes"
    if cc.option is not None and not any(cc.option.search(label) for label in view.option_labels()):
        return False
    if cc.pattern is not None:
        for field in c.fields or list(view.doc.fields):
            if cc.gate is not None and view.scanned(field) and cc.gate not in view.gates.get(field, ()):
                continue  # none of the literals the regex needs occurs in this field
            budget.check()
            n = view.norm(field)
            if n is not None and cc.pattern.search(n.text):
                return field
        return False
    return True


def _unseen(cc: CompiledCondition, seen: set[int] | None) -> bool:
    """Whether `cc` searches the text for literals the automaton saw nowhere (see `evaluate`)."""
    return seen is not None and cc.text_gate is not None and cc.text_gate not in seen


def evaluate(when: CompiledWhen | None, view: DocView, seen: set[int] | None = None) -> str | bool:
    """Whether `when` holds; truthy value is the field an all_of/any_of pattern matched in.
    `seen`: every gate id the automaton saw on the document, when it scanned every non-empty
    field; a condition whose `text_gate` is not among them fails without a look."""
    if when is None:
        return True
    anchor: str | bool = True
    for cc in when.all_of:
        r = False if _unseen(cc, seen) else holds(cc, view)
        if not r:
            return False
        if anchor is True and isinstance(r, str):
            anchor = r
    if when.any_of:
        found: str | bool = False
        for cc in when.any_of:
            if _unseen(cc, seen):
                continue
            r = holds(cc, view)
            if r:
                found = r
                break
        if not found:
            return False
        if anchor is True and isinstance(found, str):
            anchor = found
    for cc in when.none_of:
        if _unseen(cc, seen):
            continue
        if holds(cc, view):
            return False
    return anchor
