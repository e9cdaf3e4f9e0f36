"""The read API against `wangjian serve`: tokens, filters, one clue, evidence download
with its hash, the OpenAPI document, and cursor paging that returns every clue exactly
once while another process is writing new clues through the store."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.web.conftest import Console, env_for

WRITER = r"""
import sys, time
from store.database import ClueWrite, Store
from store.models import utcnow
store = Store(sys.argv[1], sys.argv[2])
total, batch = int(sys.argv[3]), int(sys.argv[4])
for start in range(0, total, batch):
    writes = []
    for n in range(start, min(total, start + batch)):
        key = f"{sys.argv[5]}{n:06d}".ljust(64, "0")
        now = utcnow()
        writes.append(ClueWrite(key, {"_id": key}, {
            "$setOnInsert": {"status": "new", "history": []},
            "$min": {"first_seen": now}, "$max": {"last_seen": now},
            "$set": {"rule": {"id": "AD-ABS-001", "family": "ad.absolute", "title": "绝对化用语", "severity": "S3",
                              "pack": "ad-law", "pack_version": "1.0.0", "legal_basis": ["广告法 第九条"]},
                     "target": {"kind": "product", "platform": "apitest", "item_id": str(n),
                                "url": f"http://127.0.0.1/item/{n}"},
                     "hit": {"field": "title", "term": "最佳"}, "task_id": None, "job_id": "JOB-API"},
            "$inc": {"seen_count": 1}, "$push": {"evidence": {"$each": [], "$slice": -50}},
        }))
    store.apply_clue_writes(writes)
    time.sleep(0.05)
print("done")
"""


@pytest.fixture(scope="module")
def token(console: Console) -> str:
    proc = console.cli("token", "add", "case-system")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.fixture(scope="module")
def api(console: Console, token: str) -> Any:
    with httpx.Client(base_url=console.url + "api/v1", headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def test_a_token_is_required_and_read_only(console: Console, api: Any) -> None:
    assert httpx.get(console.url + "api/v1/clues").status_code == 401
    assert httpx.get(console.url + "api/v1/clues", headers={"Authorization": "Bearer wjt_nope"}).status_code == 401
    assert api.post("/clues", json={}).status_code == 405
    proc = console.cli("token", "list")
    assert "case-system" in proc.stdout and "read" in proc.stdout and "wjt_" in proc.stdout


def test_filters_and_one_clue(console: Console, api: Any) -> None:
    time.sleep(1.1)  # the feed's settle time in these tests
    response = api.get("/clues", params={"platform": "douyin", "limit": 500})
    assert response.status_code == 200
    items = response.json()["items"]
    assert {c["_id"] for c in items} == {c["_id"] for c in console.store.clues.find({"target.platform": "douyin"})}
    one = api.get(f"/clues/{items[0]['_id']}").json()
    assert one["rule"]["id"] == items[0]["rule"]["id"] and one["seq"] == items[0]["seq"]
    assert api.get("/clues/" + "0" * 64).status_code == 404
    assert api.get("/clues", params={"after": "not-a-cursor"}).status_code == 400
    assert api.get("/clues", params={"status": "bogus"}).status_code == 400


def test_evidence_download_carries_its_hash(console: Console, api: Any) -> None:
    clue = console.store.clues.find_one({"target.platform": "douyin", "evidence.0": {"$exists": True}})
    evidence_id = clue["evidence"][-1]["evidence_id"]
    record = api.get(f"/evidence/{evidence_id}").json()
    assert record["manifest_sha256"] == clue["evidence"][-1]["sha256"]
    for artifact in record["artifacts"]:
        response = api.get(f"/evidence/{evidence_id}/artifacts/{artifact['sha256']}")
        assert response.status_code == 200
        assert (
            hashlib.sha256(response.content).hexdigest() == artifact["sha256"] == response.headers["x-content-sha256"]
        )
    assert api.get(f"/evidence/{evidence_id}/artifacts/{'0' * 64}").status_code == 404
    assert console.store.access_log.count_documents({"action": "api-download", "evidence_ids": evidence_id}) >= 1


def test_openapi_document(console: Console) -> None:
    doc = httpx.get(console.url + "api/v1/openapi.json").json()
    assert {
        "/clues",
        "/clues/{clue_id}",
        "/evidence/{evidence_id}",
        "/evidence/{evidence_id}/artifacts/{sha256}",
    } <= set(doc["paths"])
    assert "Clue" in doc["components"]["schemas"] and "seq" in doc["components"]["schemas"]["Clue"]["properties"]


def test_cursor_paging_returns_every_clue_exactly_once_while_clues_are_written(console: Console, api: Any) -> None:
    host, port = console.store.client.address
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, f"mongodb://{host}:{port}/", console.store.db.name, "600", "25", "c0ffee"],
        cwd=ROOT, env=env_for(console.store), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen: list[str] = []
    cursor = None
    quiet_rounds = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page = api.get("/clues", params={"limit": 37, **({"after": cursor} if cursor else {})}).json()
        seen += [c["_id"] for c in page["items"]]
        assert page["next_cursor"] is not None or not seen
        cursor = page["next_cursor"]
        writing = writer.poll() is None
        quiet_rounds = 0 if (page["items"] or writing) else quiet_rounds + 1
        if quiet_rounds >= 3:  # the writer is done and the feed has settled past its last clue
            break
        time.sleep(0.2 if page["items"] else 0.6)
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert len(seen) == len(set(seen)), "a clue came twice"
    stored = {c["_id"] for c in console.store.clues.find({}, {"_id": 1})}
    assert set(seen) == stored, f"missed {len(stored - set(seen))} clues"
    assert sum(1 for s in seen if s.startswith("c0ffee")) == 600
