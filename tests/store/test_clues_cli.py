"""`wangjian clues list|show|export`, and a downstream consumer on a change stream."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from store.database import Store
from store.writer import StoreWriter
from tests.store.conftest import product_envelope, write_envelopes
from tests.store.test_evidence_cli import cli_env, run  # noqa: F401 - fixture reuse


def test_list_and_filters(cli_env: Store, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    rc, out, err = run(capsys, "clues", "list", "--family", "ad.absolute", "--platform", "jd", "--status", "new")
    assert rc == 0 and len(out.splitlines()) == 6 and "6 of 6 clue(s)" in err
    rc, out, _ = run(capsys, "clues", "list", "--platform", "tmall")
    assert rc == 0 and out == ""
    rc, out, _ = run(capsys, "clues", "list", "--since", "2d", "--severity", "S2", "--task", "TASK-1", "--limit", "2")
    assert rc == 0 and len(out.splitlines()) == 2
    rc, out, _ = run(capsys, "clues", "list", "--until", "2000-01-01")
    assert rc == 0 and out == ""


def test_show_by_prefix(cli_env: Store, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    clue = cli_env.clues.find_one()
    rc, out, _ = run(capsys, "clues", "show", clue["_id"][:12])
    shown = json.loads(out)
    assert rc == 0 and shown["_id"] == clue["_id"] and shown["first_seen"].endswith("+00:00")


def test_export_csv_xlsx_jsonl(cli_env: Store, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # noqa: F811
    ids = {c["_id"] for c in cli_env.clues.find({}, {"_id": 1})}
    rc, out, _ = run(capsys, "clues", "export", "--format", "csv", "--family", "ad.absolute")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and {r["线索编号"] for r in rows} == ids and all(r["证据完整性校验值"] for r in rows)
    rc, _, _ = run(capsys, "clues", "export", "--output", str(tmp_path / "c.xlsx"))
    sheet = load_workbook(tmp_path / "c.xlsx").active
    values = list(sheet.values)
    assert rc == 0 and values[0][0] == "线索编号" and {v[0] for v in values[1:]} == ids
    rc, _, _ = run(capsys, "clues", "export", "--output", str(tmp_path / "c.jsonl"))
    lines = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rc == 0 and {d["_id"] for d in lines} == ids and all(d["rule"]["legal_basis"] for d in lines)


def test_downstream_reads_new_clues_from_a_change_stream(store: Store, writer: StoreWriter) -> None:
    received: list[dict[str, Any]] = []
    ready = threading.Event()
    envelopes = [product_envelope(f"cs{i}", datetime(2024, 6, 1, tzinfo=UTC)) for i in range(3)]
    expected = sum(len(e.hits) for e in envelopes)

    def consume() -> None:
        pipeline = [{"$match": {"operationType": "insert"}}]
        with store.clues.watch(pipeline, max_await_time_ms=200) as stream:
            ready.set()
            while len(received) < expected:
                change = stream.try_next()
                if change is not None:
                    received.append(change["fullDocument"])

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    assert ready.wait(10)
    write_envelopes(writer, envelopes)
    thread.join(20)
    assert not thread.is_alive()
    assert sorted(d["_id"] for d in received) == sorted(c["_id"] for c in store.clues.find())
    assert all(d["status"] == "new" and d["rule"]["family"] for d in received)
