"""The package import directions of docs/architecture.md, read from its table and checked
against every import statement of the tree (parsed with ast, so nothing is imported)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
#: Top-level directories that hold code but are not packages of the layout.
NOT_LAYOUT = {"tests", "bench", "docs", "scripts", "tasks", "var", "build"}


def _names(cell: str) -> set[str]:
    return set(re.findall(r"`([\w.]+)`", cell))


def directions() -> dict[str, tuple[set[str], set[str]]]:
    """package → (project packages it may import, third-party modules it must not import)."""
    table: dict[str, tuple[set[str], set[str]]] = {}
    section = ARCHITECTURE.read_text(encoding="utf-8").split("## Packages and import directions", 1)[1]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        (package,) = _names(cells[0])
        table[package] = (_names(cells[2]), _names(cells[3]))
    return table


def layout_packages() -> set[str]:
    return {
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_LAYOUT and not p.name.startswith(".")
    }


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, top-level module name) of every absolute import in a file, wherever it sits
    (imports inside functions count the same)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module.split(".")[0]))
    return out


def violations(package: str, table: dict[str, tuple[set[str], set[str]]]) -> list[str]:
    allowed, banned = table[package]
    project = set(table)
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, name in imports_of(path):
            if name in project and name != package and name not in allowed:
                found.append(f"{path.relative_to(ROOT)}:{line}: {package} imports {name}")
            if name in banned:
                found.append(f"{path.relative_to(ROOT)}:{line}: {package} must not import {name}")
    return found


def test_every_package_has_a_row() -> None:
    table = directions()
    assert layout_packages() <= set(table), f"add {sorted(layout_packages() - set(table))} to docs/architecture.md"
    assert set(table) <= layout_packages(), f"unknown packages {set(table) - layout_packages()} in docs/architecture.md"


@pytest.mark.parametrize("package", sorted(directions()))
def test_imports_follow_the_documented_directions(package: str) -> None:
    assert violations(package, directions()) == []


def test_no_two_packages_import_each_other() -> None:
    table = directions()
    for package, (allowed, _) in table.items():
        for other in allowed:
            assert package not in table[other][0], f"{package} and {other} may import each other"


def test_the_check_sees_a_forbidden_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan itself: a store module importing the CLI, even inside a function, is caught."""
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "bad.py").write_text("def f():\n    from cli import main\n    import scrapy\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = violations("store", directions())
    assert found == ["store/bad.py:2: store imports cli", "store/bad.py:3: store must not import scrapy"]
