"""Lexicons: vocabularies taken from published sources, kept as data beside the packs.

A lexicon is one YAML file in `rules/lexicons/`: a header naming where its words come from
(publisher, document, date, licence note) and how they were selected, then its entries. A
pack rule uses a lexicon by reference instead of pasting its words:

- in `keywords` or `anchors`, an item `{lexicon:disease-names}` stands for every term of the
  lexicon (`{lexicon:disease-names/symptom}`: only the entries of group `symptom`);
- in `patterns`, the same token stands for a regex alternation of those terms.

The loader expands references when it loads a pack, so the engine sees plain keywords and
regexes; `RuleSet.lexicon_entries` maps a matched term back to the entry and its source,
which is what `wangjian rules explain` prints.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rules.normalise import normalise_term

#: `{lexicon:ID}` or `{lexicon:ID/GROUP}`, as a whole list item or inside a pattern.
REFERENCE = re.compile(r"\{lexicon:([a-z0-9-]+)(?:/([a-z0-9_-]+))?\}")
SHIPPED_DIR = Path(__file__).parent / "lexicons"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """Where words come from: enough for a case officer to find and cite the document."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    publisher: str
    ref: str = Field(description="document number, standard number or URL")
    date: str = Field(description="date the source was published or took effect")
    retrieved: str = Field(description="date the words were taken from it")
    licence: str = Field(description="why the words may be redistributed")


class Entry(_Strict):
    term: str
    variants: list[str] = Field(default_factory=list, description="other spellings of the same entry")
    group: str | None = Field(default=None, pattern=r"^[a-z0-9_-]+$")
    code: str | None = Field(default=None, description="the entry's code in its source, e.g. an ICD-10 category")
    source: str | None = Field(default=None, description="source id; default: the lexicon's first source")
    note: str | None = None

    @property
    def terms(self) -> list[str]:
        return [self.term, *self.variants]


class LexiconMeta(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: str
    sources: list[Source] = Field(min_length=1)
    selection: str = Field(description="which entries were kept from the sources, and why")


class LexiconFile(_Strict):
    lexicon: LexiconMeta
    entries: list[Entry] = Field(min_length=1)

    @model_validator(mode="after")
    def _sources_known(self) -> LexiconFile:
        ids = {s.id for s in self.lexicon.sources}
        for e in self.entries:
            if e.source is not None and e.source not in ids:
                raise ValueError(f"entry {e.term!r}: unknown source {e.source!r}")
        return self


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon entry behind a matched term."""

    lexicon: str
    entry: Entry
    source: Source


class LexiconError(ValueError):
    pass


class Lexicon:
    """One loaded lexicon: entries, their normalised terms and the file's hash."""

    def __init__(self, data: LexiconFile, path: Path, sha256: str) -> None:
        self.meta = data.lexicon
        self.entries = data.entries
        self.path = path
        self.sha256 = sha256
        self._sources = {s.id: s for s in self.meta.sources}
        self._by_term: dict[str, list[Entry]] = {}
        for e in self.entries:
            for t in e.terms:
                self._by_term.setdefault(normalise_term(t), []).append(e)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def groups(self) -> set[str]:
        return {e.group for e in self.entries if e.group}

    def terms(self, group: str | None = None) -> list[str]:
        """Normalised terms (variants included) of every entry, or of one group."""
        out = [normalise_term(t) for e in self.entries if group is None or e.group == group for t in e.terms]
        return list(dict.fromkeys(t for t in out if t))

    def source_of(self, entry: Entry) -> Source:
        return self._sources[entry.source] if entry.source else self.meta.sources[0]

    def lookup(self, normalised: str) -> list[Match]:
        """Entries whose term occurs in `normalised` (a matched span), longest first."""
        found = [t for t in self._by_term if t and t in normalised]
        found.sort(key=len, reverse=True)
        out: list[Match] = []
        for t in found:
            for e in self._by_term[t]:
                if all(m.entry is not e for m in out):
                    out.append(Match(self.id, e, self.source_of(e)))
        return out


def load_lexicon(path: Path) -> Lexicon:
    raw = path.read_bytes()
    try:
        data: Any = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
        parsed = LexiconFile.model_validate(data)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon: {exc}") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise LexiconError(f"{path}: {where}: {err['msg']}") from exc
    if parsed.lexicon.id != path.stem:
        raise LexiconError(f"{path}: lexicon id {parsed.lexicon.id!r} must match the file name")
    return Lexicon(parsed, path, hashlib.sha256(raw).hexdigest())


def lexicon_dirs(packs_dir: Path) -> list[Path]:
    """Where a packs directory's lexicons live: its own `lexicons/` folder, the one beside it,
    then the shipped ones (a custom packs directory can use the shipped vocabularies)."""
    dirs = [packs_dir / "lexicons", packs_dir.parent / "lexicons", SHIPPED_DIR]
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def load_lexicons(packs_dir: Path) -> dict[str, Lexicon]:
    """Every lexicon visible from `packs_dir`; a nearer folder's file wins over a farther one."""
    out: dict[str, Lexicon] = {}
    for d in lexicon_dirs(packs_dir):
        for path in sorted(d.glob("*.yaml")):
            if path.stem not in out:
                out[path.stem] = load_lexicon(path)
    return out


def _resolve(lexicons: dict[str, Lexicon], lex_id: str, group: str | None) -> list[str]:
    lex = lexicons.get(lex_id)
    if lex is None:
        raise LexiconError(f"unknown lexicon {lex_id!r} (known: {', '.join(sorted(lexicons)) or 'none'})")
    if group is not None and group not in lex.groups:
        raise LexiconError(f"lexicon {lex_id!r} has no group {group!r} (groups: {', '.join(sorted(lex.groups))})")
    return lex.terms(group)


def expand_terms(items: list[str], lexicons: dict[str, Lexicon], used: set[str]) -> list[str]:
    """A keyword or anchor list with each whole-item reference replaced by the lexicon's terms."""
    out: list[str] = []
    for item in items:
        m = REFERENCE.fullmatch(item.strip())
        if m is None:
            out.append(item)
            continue
        used.add(m.group(1))
        out += _resolve(lexicons, m.group(1), m.group(2))
    return list(dict.fromkeys(out))


def expand_pattern(pattern: str, lexicons: dict[str, Lexicon], used: set[str]) -> str:
    """A regex with each reference replaced by a non-capturing alternation of the terms
    (longest first, so the longest entry wins where two overlap)."""

    def alternation(m: re.Match[str]) -> str:
        used.add(m.group(1))
        terms = sorted(_resolve(lexicons, m.group(1), m.group(2)), key=len, reverse=True)
        return "(?:" + "|".join(re.escape(t) for t in terms) + ")"

    return REFERENCE.sub(alternation, pattern)
