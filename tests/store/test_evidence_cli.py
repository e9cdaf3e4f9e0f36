"""`wangjian evidence verify|record|show` and `wangjian schema` against a real store."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cli import main
from store import schema
from store.database import Store


@pytest.fixture()
def cli_env(stocked: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    host, port = stocked.client.address
    monkeypatch.setenv("MONGO_URI", f"mongodb://{host}:{port}/")
    monkeypatch.setenv("WANGJIAN_DB", stocked.db.name)
    return stocked


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_verify_passes_then_catches_a_rewritten_chunk(cli_env: Store, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "evidence", "verify", "--db", cli_env.db.name)
    assert rc == 0 and "verified 3 evidence record(s): 0 mismatch(es)" in out
    record = cli_env.evidence.find_one({"artifacts.kind": "screenshot"})
    body = next(a for a in record["artifacts"] if a["kind"] == "body")
    chunk = cli_env.artifact_chunks.find_one({"files_id": body["sha256"], "n": 0})
    tampered = bytes(chunk["data"]).replace("最佳".encode("gbk"), "较好".encode("gbk"))
    assert tampered != chunk["data"]
    cli_env.artifact_chunks.update_one({"_id": chunk["_id"]}, {"$set": {"data": tampered}})
    cli_env.evidence.update_one({"_id": {"$ne": record["_id"]}}, {"$set": {"manifest_sha256": "0" * 64}})
    rc, out, _ = run(capsys, "evidence", "verify", "--db", cli_env.db.name)
    assert rc == 1
    lines = [line for line in out.splitlines() if line.startswith("MISMATCH")]
    assert any(record["_id"] in line and "body:" in line and "sha256" in line for line in lines)
    assert sum("manifest_sha256" in line for line in lines) == 1
    assert cli_env.access_log.count_documents({"action": "verify"}) == 2


def test_verify_filters_by_job(cli_env: Store, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "evidence", "verify", "--job", "NO-SUCH-JOB")
    assert rc == 0 and "verified 0 evidence record(s)" in out


def test_annex_c_record(cli_env: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    record = cli_env.evidence.find_one({"artifacts.kind": "screenshot"})
    output = tmp_path / "record.html"
    rc, _, _ = run(capsys, "evidence", "record", record["_id"], "--output", str(output))
    assert rc == 0
    page = output.read_text(encoding="utf-8")
    for label in ("电子数据证据提取笔录", "时间", "地点", "检查人", "提取人", "执法证号", "提取方法和过程",
                  "提取的电子数据内容", "完整性校验值", "如果属实请签名", "counter(pages)"):  # fmt: skip
        assert label in page
    assert "2024年05月01日 10时02分 至 2024年05月01日 10时02分" in page  # UTC+8, to the minute
    assert record["final_url"] in page and "chromium 124.0" in page
    for artifact in record["artifacts"]:
        assert artifact["sha256"] in page and artifact["sm3"] in page and f"{artifact['size']:,}" in page
    assert record["manifest_sha256"] in page and record["manifest_sm3"] in page
    assert "data:image/png;base64," in page
    assert cli_env.access_log.count_documents({"action": "record", "evidence_ids": record["_id"]}) == 1


def test_bad_input_is_one_line(cli_env: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = [
        ("evidence", "record", "EVD-NOPE"),
        ("evidence", "show", "EVD-NOPE"),
        ("evidence", "verify", "--since", "yesterday-ish"),
        ("clues", "show", "deadbeefdeadbeef"),
        ("clues", "list", "--since", "2024-13-40"),
        ("clues", "list", "--status", "open"),
        ("clues", "export", "--output", str(tmp_path / "no" / "such" / "dir.csv")),
        ("clues", "export", "--output", str(tmp_path / "clues.txt")),
        ("clues", "export", "--format", "xlsx"),
    ]
    for argv in cases:
        rc, _, err = run(capsys, *argv)
        assert rc == 2, argv
        assert err.count("\n") == 1 and err.startswith("wangjian: error: ") and "Traceback" not in err, argv


def test_unreachable_database_is_one_line_without_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from store.embedded_mongo import free_port

    monkeypatch.setenv("MONGO_URI", f"mongodb://officer:hunter22@127.0.0.1:{free_port()}/?serverSelectionTimeoutMS=200")
    rc, out, err = run(capsys, "clues", "list")
    assert rc == 2 and err.count("\n") == 1 and "hunter22" not in err + out


def test_schema_is_shipped_and_validates_stored_records(cli_env: Store, capsys: pytest.CaptureFixture[str]) -> None:
    for name, collection in (("clue", cli_env.clues), ("evidence", cli_env.evidence)):
        rc, out, _ = run(capsys, "schema", name)
        generated = json.loads(out)
        assert rc == 0 and generated == json.loads(schema.shipped_path(name).read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(generated, format_checker=jsonschema.FormatChecker())
        documents = [schema.as_json(d) for d in collection.find()]
        assert documents
        for document in documents:
            validator.validate(document)
        broken = {**documents[0]}
        broken.pop("_id")
        assert not validator.is_valid(broken)
