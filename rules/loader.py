"""Strict pack loading: YAML → PackFile, with file, line and rule id in every error."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rules.model import PackFile, PackInfo, Rule

#: Keys the loader fills in; authors must not write them.
_DERIVED = ("pack", "pack_version", "pack_sha256")


class PackError(Exception):
    """A pack cannot be loaded; the message names file, line and rule id."""

    def __init__(self, path: Path | str, line: int | None, rule_id: str | None, message: str) -> None:
        self.path, self.line, self.rule_id = str(path), line, rule_id
        where = f"{path}:{line}" if line else str(path)
        rule = f" rule {rule_id}:" if rule_id else ""
        super().__init__(f"{where}:{rule} {message}")


class _StrictLoader(yaml.SafeLoader):
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
    """Every regex in the pack must compile; errors point at the offending line."""
    for i, rule in enumerate(pack.rules):
        regexes: list[tuple[tuple[Any, ...], str]] = []
        regexes += [(("rules", i, "patterns", j), p) for j, p in enumerate(rule.patterns)]
        regexes += [(("rules", i, "exclude", j, "pattern"), e.pattern) for j, e in enumerate(rule.exclude)]
        if rule.when:
            for part in ("all_of", "any_of", "none_of"):
                for j, cond in enumerate(getattr(rule.when, part)):
                    for key in ("pattern", "option"):
                        value = getattr(cond, key)
                        if value is not None:
                            regexes.append((("rules", i, "when", part, j, key), value))
        if rule.check is not None:
            regexes += [(("rules", i, "check", key), value) for key, value in rule.check.regexes().items()]
        for loc, pattern in regexes:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise PackError(path, _node_line(root, loc), rule.id, f"bad regex {pattern!r}: {exc}") from exc


def load_pack(path: Path) -> tuple[PackInfo, list[Rule]]:
    """Load and validate one pack file."""
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
    try:
        pack = PackFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc)
        raise PackError(path, _node_line(root, loc), _rule_id(data, loc), f"{where}: {err['msg']}") from exc
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


def load_packs(packs_dir: Path) -> tuple[list[PackInfo], list[Rule]]:
    """Load every *.yaml pack of a directory; duplicate rule or pack ids are errors."""
    if not packs_dir.is_dir():
        raise PackError(packs_dir, None, None, "packs directory not found")
    infos: list[PackInfo] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    packs_seen: dict[str, str] = {}
    for path in sorted(packs_dir.glob("*.yaml")):
        info, pack_rules = load_pack(path)
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
