"""The Sources section of the real corpus README is generated from the lines themselves."""

from __future__ import annotations

import runpy
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "real_corpus_sources.py"


def test_sources_section_matches_the_lines():
    main = runpy.run_path(str(SCRIPT))["main"]
    assert main(["--check"]) == 0, "run: python scripts/real_corpus_sources.py"


def test_ranges_join_consecutive_ids_only():
    ranges = runpy.run_path(str(SCRIPT))["_ranges"]
    assert ranges(["rv_0001", "rv_0002", "rv_0003", "rv_0007"]) == "rv_0001–rv_0003, rv_0007"
    assert ranges(["rc_0010"]) == "rc_0010"
