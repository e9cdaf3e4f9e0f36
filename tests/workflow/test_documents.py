from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from cli import main
from reports.documents import render_annex_c, render_annex_d
from review.workflow import WorkflowError
from tests.workflow.scenario import World


def embedded_images(document: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', document)]


def test_annex_d_notice_names_parties_violation_and_evidence_hashes(world: World) -> None:
    clue = world.clues["abs"]
    document = render_annex_d(world.store, clue.id)
    assert "网络监测线索交办通知书" in document and "网络交易线索移交通知书" in document
    assert "遂宁市船山区市场监督管理局</span>（线索接收部门）" in document
    assert "广告业务部门</span>（线索移交部门）" in document or "业务部门</span>（线索移交部门）" in document
    assert "2025年03月01日</span>网络监测中发现" in document  # first seen, Beijing date
    assert "遂宁康健大药房旗舰店" in document and clue.target.uscc in document and "国家级" in document
    assert clue.rule.legal_basis[0] in document
    for ref in clue.evidence:
        record = world.evidence[ref.evidence_id]
        assert record.manifest_sha256 in document
        for artifact in record.artifacts:
            assert artifact.sha256 in document
    newest = max(clue.evidence, key=lambda r: r.captured_at)
    assert embedded_images(document) == [world.screenshots[newest.evidence_id]]
    assert "监测时间：2025年03月01日 10时" in document and "至 2025年03月08日 10时" in document


def test_annex_d_departments_can_be_given_and_text_is_escaped(world: World) -> None:
    clue = world.clues["anon"]
    world.store.clues.update_one({"_id": clue.id}, {"$set": {"target.shop_name": "<script>alert(1)</script>好物"}})
    document = render_annex_d(world.store, clue.id, receiver="某区市场监督管理局", sender="网络交易监测科")
    assert "<script>alert(1)" not in document and "&lt;script&gt;alert(1)&lt;/script&gt;好物" in document
    assert "某区市场监督管理局</span>（线索接收部门）" in document
    assert "网络交易监测科</span>（线索移交部门）" in document


def test_annex_c_of_the_clue_uses_its_newest_record_or_the_one_asked(world: World) -> None:
    clue = world.clues["cos"]
    newest, oldest = sorted(clue.evidence, key=lambda r: r.captured_at, reverse=True)
    document = render_annex_c(world.store, clue.id)
    assert "电子数据证据提取笔录" in document
    assert world.evidence[newest.evidence_id].manifest_sha256 in document
    assert world.evidence[oldest.evidence_id].manifest_sha256 not in document
    assert embedded_images(document) == [world.screenshots[newest.evidence_id]]
    older = render_annex_c(world.store, clue.id, oldest.evidence_id)
    assert embedded_images(older) == [world.screenshots[oldest.evidence_id]]
    with pytest.raises(WorkflowError, match="not cited"):
        render_annex_c(world.store, clue.id, world.clues["drug"].evidence[0].evidence_id)
    logged = [e["evidence_ids"] for e in world.store.access_log.find({"action": "record"})]
    assert [newest.evidence_id] in logged and [oldest.evidence_id] in logged


def test_unknown_clue_is_an_error(world: World) -> None:
    with pytest.raises(WorkflowError):
        render_annex_d(world.store, "0" * 64)


@pytest.mark.browser
def test_cli_clue_doc_writes_html_and_pdf(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port = world.store.client.address
    monkeypatch.setenv("MONGO_URI", f"mongodb://{host}:{port}/")
    db = ["--db", world.store.db.name]
    clue = world.clues["drug"]
    html, pdf = tmp_path / "d.html", tmp_path / "d.pdf"
    assert main(["clue-doc", clue.id[:10], "--annex", "D", "-o", str(html), "--pdf", str(pdf), *db]) == 0
    assert "网络监测线索交办通知书" in html.read_text(encoding="utf-8")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000 and b"/Type /Page" in data
    c_html = tmp_path / "c.html"
    assert main(["clue-doc", clue.id, "--annex", "c", "-o", str(c_html), *db]) == 0
    assert "电子数据证据提取笔录" in c_html.read_text(encoding="utf-8")
    assert main(["clue-doc", "deadbeef00", "-o", str(tmp_path / "x.html"), *db]) == 2
    assert "no clue" in capsys.readouterr().err
