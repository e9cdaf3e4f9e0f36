"""The project's docs stay in step with the code and stand on their own: docs/domain.md has a
section for every rule family the packs and the linter know, and no file of the project
points at documents outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from rules import load_ruleset
from rules.lint import FAMILIES

ROOT = Path(__file__).resolve().parent.parent
#: Tests may read real captured pages kept beside the repository, skipping when absent.
OUTSIDE_ALLOWED = {"tests/spiders/conftest.py", "tests/test_docs.py"}


def documented_families() -> set[str]:
    text = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    return {f for heading in re.findall(r"^## (.+)$", text, re.M) for f in re.findall(r"`([a-z]+\.[a-z_]+)`", heading)}


def test_every_rule_family_has_its_section_in_docs_domain() -> None:
    families = load_ruleset().families | FAMILIES
    assert families - documented_families() == set(), "families without a section in docs/domain.md"
    assert documented_families() - families == set(), "docs/domain.md sections for families no pack uses"


def test_no_file_refers_to_documents_outside_the_repository() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r"design\.md|domain-rules\.md|\.\./shared|/shared/")
    found = []
    for name in files:
        path = ROOT / name
        if (
            name in OUTSIDE_ALLOWED
            or not path.is_file()
            or path.suffix not in {".py", ".md", ".yaml", ".toml", ".sh", ".c", ".html", ".cfg"}
        ):
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if outside.search(line):
                found.append(f"{name}:{lineno}: {line.strip()}")
    assert found == []
