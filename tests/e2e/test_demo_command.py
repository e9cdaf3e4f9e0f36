"""`wangjian demo` as a newcomer runs it: embedded database under WANGJIAN_VAR, fixture
platforms, a summary; a second run updates the same clues instead of adding new ones."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _demo(var: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MONGO_URI"}
    env["WANGJIAN_VAR"] = str(var)
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--platform", "jd"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_demo_twice_reuses_the_database_and_updates_clues(tmp_path: Path) -> None:
    first = _demo(tmp_path / "var")
    row = re.search(r"^\s+jd\s+(\d+)\s+(\d+)\s+(\d+)/(\d+)\s+(\d+)$", first, re.M)
    assert row, first
    pages, items, new, updated, errors = map(int, row.groups())
    assert pages > items > 0 and new > 0 and updated == 0 and errors == 0
    assert "clues seen this run by family:" in first and "ad.absolute" in first
    assert "example clues" in first and "evidence EVD-" in first
    total = int(re.search(r"^(\d+) clues in total", first, re.M).group(1))
    assert total == new
    assert (tmp_path / "var" / "mongo").is_dir()

    second = _demo(tmp_path / "var")
    row2 = re.search(r"^\s+jd\s+(\d+)\s+(\d+)\s+(\d+)/(\d+)\s+(\d+)$", second, re.M)
    assert row2 and int(row2.group(3)) == 0 and int(row2.group(4)) == new
    assert int(re.search(r"^(\d+) clues in total", second, re.M).group(1)) == total
