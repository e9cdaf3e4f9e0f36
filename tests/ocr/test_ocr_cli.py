"""`wangjian ocr` on a rendered detail picture: lines with boxes and confidences, and a document
`wangjian rules scan` finds the claim in (field image_text)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fixtures.images import render_detail
from tests.conftest import ROOT


def _wangjian(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=300
    )


def test_ocr_prints_lines_and_a_document_rules_scan_reads(tmp_path: Path) -> None:
    picture = tmp_path / "detail.jpg"
    picture.write_bytes(render_detail(["纯天然草本配方", "七天根治失眠多梦"], seed="cli"))
    shown = _wangjian("ocr", str(picture))
    assert shown.returncode == 0, shown.stderr
    line = next(x for x in shown.stdout.splitlines() if "七天根治失眠多梦" in x)
    assert line.split()[0].replace(".", "").isdigit() and line.count(",") == 4  # confidence, four corners
    document = _wangjian("ocr", str(picture), "--document")
    assert document.returncode == 0, document.stderr
    doc = json.loads(document.stdout)
    assert doc["fields"]["image_text"].splitlines()[-1] == "七天根治失眠多梦"
    scanned = _wangjian("rules", "scan", stdin=document.stdout)
    hits = json.loads(scanned.stdout)["hits"]
    assert any(h["field"] == "image_text" and h["term"] == "根治" for h in hits), hits


def test_ocr_refuses_what_is_no_picture(tmp_path: Path) -> None:
    bad = tmp_path / "page.html"
    bad.write_text("<html></html>")
    result = _wangjian("ocr", str(bad))
    assert result.returncode == 2 and "not a picture" in result.stderr
