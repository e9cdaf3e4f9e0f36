import json
import shutil
import subprocess
import sys

from cli import main
from rules.engine import PACKS_DIR


def test_scan_jsonl_files_and_lenient_input(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "fields": {"title": "全网最佳"}, "unknown": 1}, ensure_ascii=False),
                "{broken",
                json.dumps(
                    {"id": "b", "kind": "shop", "fields": {"shop_info": "统一社会信用代码：914403001922038216"}},
                    ensure_ascii=False,
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert main(["rules", "scan", "--input", str(src), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["hits"][0] == {
        "rule_id": "AD-ABS-001",
        "family": "ad.absolute",
        "field": "title",
        "term": "最佳",
        "start": 2,
        "end": 4,
        "severity": "S2",
    }
    assert rows[1]["hits"] == []
    assert "in.jsonl:2" in capsys.readouterr().err


def test_scan_stdin_to_stdout():
    doc = json.dumps({"id": "x", "fields": {"terms": "本活动最终解释权归本店所有"}}, ensure_ascii=False)
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "rules", "scan", "--input", "-", "--output", "-"],
        input=doc + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    row = json.loads(proc.stdout)
    assert row["id"] == "x" and row["hits"][0]["family"] == "clause.unfair_format"


def test_explain_shows_normalised_text_and_reasons(capsys):
    assert main(["rules", "explain", "最好先冷藏，全網最*佳"]) == 0
    out = capsys.readouterr().out
    assert "全网最佳" in out and "dropped AD-ABS-001" in out and "kept    AD-ABS-001" in out


def test_lint_and_test_pass_on_shipped_packs(capsys):
    assert main(["rules", "lint"]) == 0
    assert main(["rules", "test"]) == 0
    assert " 0 failed" in capsys.readouterr().out


def test_diff_reports_gained_and_lost_hits(tmp_path, capsys):
    new = tmp_path / "new"
    shutil.copytree(PACKS_DIR, new)
    pack = new / "marketing-fake.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("[库存紧张, ", "["), encoding="utf-8")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"id": "d", "fields": {"promo": "库存紧张，欲购从速"}}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    assert main(["rules", "diff", "--old", str(PACKS_DIR), "--new", str(new), "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "- d MKT-002" in out and "1 hits lost" in out


def test_broken_pack_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "bad.yaml").write_text("pack: {id: bad, version: 1.0.0, title: 坏}\nrules: []\n", encoding="utf-8")
    assert main(["rules", "lint", "--packs", str(tmp_path)]) == 2
    assert "bad.yaml" in capsys.readouterr().err
