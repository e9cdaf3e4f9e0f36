"""Strict pack loading: YAML → PackFile, with file, line and rule id in every error."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rules.lexicon import Lexicon, LexiconError, expand_pattern, expand_terms, load_lexicons
from rules.model import PackFile, PackInfo, Rule
from rules.normalise import normalise_term
from rules.regex_safety import UnsafeRegex, check_pattern

#: Keys the loader fills in; authors must not write them.
_DERIVED = ("pack", "pack_version", "pack_sha256", "lexicons")


class PackError(Exception):
    """A pack cannot be loaded; the message names file, line and rule id."""

    def __init__(self, path: Path | str, line: int | None, rule_id: str | None, message: str) -> None:
        self.path, self.line, self.rule_id = str(path), line, rule_id
        where = f"{path}:{line}" if line else str(path)
        rule = f" rule {rule_id}:" if rule_id else ""
        super().__init__(f"{where}:{rule} {message}")


#: libyaml's parser when PyYAML was built with it (about ten times faster on the packs); the
#: constructor, and so the duplicate-key check below, is the same Python code either way.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses duplicate mapping keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _node_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest YAML node that `loc` (a pydantic error path) reaches."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == part), None)
            if nxt is None:
                key = next((k for k, _ in node.value if k.value == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _rule_id(data: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
        rules = data.get("rules")
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rid = rules[loc[1]].get("id")
            return str(rid) if rid is not None else f"#{loc[1] + 1}"
    return None


def _compile_check(path: Path, root: yaml.Node, pack: PackFile) -> None:
    """Every regex in the pack must compile, be safe from catastrophic backtracking and,
    where it finds text, not match the empty string; every keyword must keep some text
    after normalisation. Errors point at the offending line."""
    for i, rule in enumerate(pack.rules):
        # (location, pattern, whether an empty match would make it fire everywhere)
        regexes: list[tuple[tuple[Any, ...], str, bool]] = []
        regexes += [(("rules", i, "patterns", j), p, True) for j, p in enumerate(rule.patterns)]
        regexes += [(("rules", i, "exclude", j, "pattern"), e.pattern, True) for j, e in enumerate(rule.exclude)]
        if rule.when:
            for part in ("all_of", "any_of", "none_of"):
                for j, cond in enumerate(getattr(rule.when, part)):
                    for key in ("pattern", "option"):
                        value = getattr(cond, key)
                        if value is not None:
                            regexes.append((("rules", i, "when", part, j, key), value, key == "pattern"))
        if rule.check is not None:
            regexes += [(("rules", i, "check", key), value, False) for key, value in rule.check.regexes().items()]
        for loc, pattern, finds_text in regexes:
            try:
                compiled = re.compile(pattern)
                check_pattern(pattern)
            except (re.error, UnsafeRegex) as exc:
                raise PackError(path, _node_line(root, loc), rule.id, f"bad regex {pattern!r}: {exc}") from exc
            if finds_text and compiled.fullmatch(""):
                raise PackError(path, _node_line(root, loc), rule.id, f"regex {pattern!r} matches the empty string")
        for j, keyword in enumerate(rule.keywords):
            if not normalise_term(keyword):
                loc = ("rules", i, "keywords", j)
                raise PackError(path, _node_line(root, loc), rule.id, f"keyword {keyword!r} normalises to nothing")


def _flatten_term_lists(data: dict[str, Any]) -> None:
    """A YAML alias of a shared list inside a list (`[*disease_claims, …]`) nests it one
    level: flatten keywords, anchors, patterns and exclusions so packs can combine lists."""
    for rule in data.get("rules") or []:
        if isinstance(rule, dict):
            for key in ("keywords", "anchors", "patterns", "exclude"):
                items = rule.get(key)
                if isinstance(items, list) and any(isinstance(i, list) for i in items):
                    rule[key] = [x for i in items for x in (i if isinstance(i, list) else [i])]


def _expand_lexicons(path: Path, root: yaml.Node, pack: PackFile, lexicons: dict[str, Lexicon]) -> None:
    """Replace `{lexicon:ID}` references in keywords, anchors and regexes by the lexicon's
    terms; an unknown lexicon or group is an error at the rule's line."""
    for i, rule in enumerate(pack.rules):
        used: set[str] = set()
        try:
            rule.keywords = expand_terms(rule.keywords, lexicons, used)
            rule.anchors = expand_terms(rule.anchors, lexicons, used)
            rule.patterns = [expand_pattern(p, lexicons, used) for p in rule.patterns]
            for ex in rule.exclude:
                ex.pattern = expand_pattern(ex.pattern, lexicons, used)
            if rule.when:
                for part in ("all_of", "any_of", "none_of"):
                    for cond in getattr(rule.when, part):
                        if cond.pattern is not None:
                            cond.pattern = expand_pattern(cond.pattern, lexicons, used)
        except LexiconError as exc:
            raise PackError(path, _node_line(root, ("rules", i)), rule.id, str(exc)) from exc
        rule.lexicons = sorted(used)


def load_pack(path: Path, lexicons: dict[str, Lexicon] | None = None) -> tuple[PackInfo, list[Rule]]:
    """Load and validate one pack file (`lexicons`: what `{lexicon:…}` references resolve to;
    default: those visible from the pack's folder)."""
    raw = path.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
        root = yaml.compose(text, Loader=_StrictLoader)
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError as exc:
        raise PackError(path, None, None, f"not UTF-8: {exc}") from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PackError(path, line, None, f"YAML error: {exc.problem or exc}") from exc
    if not isinstance(data, dict):
        raise PackError(path, 1, None, "a pack is a mapping with keys pack and rules")
    for i, rule in enumerate(data.get("rules") or []):
        if isinstance(rule, dict):
            for key in _DERIVED:
                if key in rule:
                    loc = ("rules", i, key)
                    raise PackError(path, _node_line(root, loc), _rule_id(data, loc), f"{key} is set by the loader")
    _flatten_term_lists(data)
    try:
        pack = PackFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc)
        raise PackError(path, _node_line(root, loc), _rule_id(data, loc), f"{where}: {err['msg']}") from exc
    if lexicons is None:
        lexicons = visible_lexicons(path.parent)
    _expand_lexicons(path, root, pack, lexicons)
    _compile_check(path, root, pack)
    info = PackInfo(id=pack.pack.id, version=pack.pack.version, sha256=sha, path=str(path))
    for rule in pack.rules:
        rule.pack, rule.pack_version, rule.pack_sha256 = info.id, info.version, sha
    return info, pack.rules


def rule_lines(path: Path) -> dict[str, int]:
    """Rule id → 1-based line of its entry, for messages about a loaded pack."""
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    out: dict[str, int] = {}
    rules = _node_line_node(root, "rules")
    if isinstance(rules, yaml.SequenceNode):
        for item in rules.value:
            if isinstance(item, yaml.MappingNode):
                for k, v in item.value:
                    if k.value == "id":
                        out[str(v.value)] = item.start_mark.line + 1
    return out


def _node_line_node(root: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(root, yaml.MappingNode):
        return next((v for k, v in root.value if k.value == key), None)
    return None


def visible_lexicons(packs_dir: Path) -> dict[str, Lexicon]:
    """The lexicons `{lexicon:…}` references in the packs of `packs_dir` resolve to."""
    try:
        return load_lexicons(packs_dir)
    except LexiconError as exc:
        raise PackError(packs_dir, None, None, str(exc)) from exc


def load_packs(packs_dir: Path, lexicons: dict[str, Lexicon] | None = None) -> tuple[list[PackInfo], list[Rule]]:
    """Load every *.yaml pack of a directory; duplicate rule or pack ids are errors."""
    if not packs_dir.is_dir():
        raise PackError(packs_dir, None, None, "packs directory not found")
    if lexicons is None:
        lexicons = visible_lexicons(packs_dir)
    infos: list[PackInfo] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    packs_seen: dict[str, str] = {}
    for path in sorted(packs_dir.glob("*.yaml")):
        info, pack_rules = load_pack(path, lexicons)
        if info.id in packs_seen:
            raise PackError(path, 1, None, f"pack id {info.id} also used by {packs_seen[info.id]}")
        packs_seen[info.id] = path.name
        lines = rule_lines(path)
        for rule in pack_rules:
            if rule.id in seen:
                raise PackError(path, lines.get(rule.id), rule.id, f"duplicate rule id (also in {seen[rule.id]})")
            seen[rule.id] = path.name
        infos.append(info)
        rules.extend(pack_rules)
    if not infos:
        raise PackError(packs_dir, None, None, "no *.yaml packs found")
    return infos, rules
