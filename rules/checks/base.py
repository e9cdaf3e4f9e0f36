"""Check kinds: the structural checks a rule names with `check: {kind: …}`.

Each kind is one class, registered by its `kind` name with `register_check`:

- its fields are the pack syntax (a pydantic model; `kind: Literal["name"]` names it), so
  the pack model, the loader and rules/pack.schema.json all derive from the registry;
- `regex_fields` names the fields holding regular expressions: the loader refuses a pack
  whose regex does not compile (naming the line), `compile()` compiles them once;
- `has_input(doc)` says cheaply whether a document gives the check anything to look at,
  and `shape(doc)` returns what that answer depends on besides the document's kind,
  category and text field names (the engine caches the structural rules per shape);
- `findings(view)` is the check itself, run on a document the rule's scope and `when`
  admitted.

docs/adding-a-check.md walks through adding one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

if TYPE_CHECKING:
    from rules.conditions import DocView
    from rules.document import Document


@dataclass(slots=True)
class Finding:
    """One thing a check found: the field it is in, the term shown on the clue and, when the
    finding is a span of that field's original text, its offsets."""

    field: str
    term: str
    start: int | None = None
    end: int | None = None


class Check(BaseModel):
    """Base of every check kind."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: str
    #: names of the fields that hold regular expressions (on normalised text)
    regex_fields: ClassVar[tuple[str, ...]] = ()
    _compiled: dict[str, re.Pattern[str] | None] = PrivateAttr(default_factory=dict)

    def regexes(self) -> dict[str, str]:
        """field name → regex, for the fields of `regex_fields` that are set."""
        return {name: value for name in self.regex_fields if (value := getattr(self, name)) is not None}

    def compile(self) -> None:
        """Prepare for scanning (called once per rule set)."""
        self._compiled = {name: re.compile(value) for name, value in self.regexes().items()}

    def regex(self, name: str) -> re.Pattern[str] | None:
        """The compiled regex of field `name`, None when the field is not set."""
        # read from pydantic's store of private attributes directly: `self._compiled` goes
        # through the model's __getattr__, some ten times slower, on every document scanned
        return self.__pydantic_private__["_compiled"].get(name)

    def has_input(self, doc: Document) -> bool:
        return True

    @classmethod
    def shape(cls, doc: Document) -> Hashable:
        return None

    def findings(self, view: DocView) -> list[Finding]:
        raise NotImplementedError


#: kind name → check class
CHECK_KINDS: dict[str, type[Check]] = {}
#: called after each registration (the pack model rebuilds its `check` field)
_on_register: list[Callable[[], None]] = []


def kind_name(cls: type[Check]) -> str:
    (name,) = get_args(cls.model_fields["kind"].annotation)
    return str(name)


def register_check(cls: type[Check]) -> type[Check]:
    """Class decorator: make `cls` usable as `check: {kind: <its kind>}` in packs."""
    name = kind_name(cls)
    if CHECK_KINDS.get(name, cls) is not cls:
        raise ValueError(f"check kind {name!r} is already registered by {CHECK_KINDS[name].__qualname__}")
    CHECK_KINDS[name] = cls
    for listener in _on_register:
        listener()
    return cls


def unregister_check(name: str) -> None:
    """Remove a kind (packs using it no longer load); for plug-ins that are unloaded."""
    if CHECK_KINDS.pop(name, None) is not None:
        for listener in _on_register:
            listener()


def check_type() -> Any:
    """The type of a rule's `check`: one of the registered kinds, told apart by `kind`."""
    kinds = tuple(cls for _, cls in sorted(CHECK_KINDS.items()))
    union = kinds[0] if len(kinds) == 1 else Union[kinds]  # noqa: UP007 - built at run time
    return Annotated[union, Field(discriminator="kind")]


def on_register(listener: Callable[[], None]) -> None:
    _on_register.append(listener)
