"""Certificate pictures as the fixture platforms serve them (valid, wrong check digit, expired,
blurred, turned, on a security background, JPEG), read by the real OCR engine: facts come out
right, and the licence checks judge them, sending a picture too poor to read to a person."""

from __future__ import annotations

import dataclasses

import pytest

from fixtures import uscc
from fixtures.images import Certificate
from fixtures.pictures import DEGRADATIONS, _render_certificate, shop_certificates
from fixtures.world import build_world
from ocr.licence import parse_certificate
from ocr.reading import ImageReading, compose
from rules import load_ruleset
from rules.document import Attributes, Document

#: Certificate label → fact key, for the facts every certificate states.
EXPECTED = {
    "统一社会信用代码": "uscc", "社会信用代码": "uscc", "名称": "name", "企业名称": "name", "经营者名称": "name",
    "法定代表人": "representative", "经营者": "representative", "法定代表人（负责人）": "representative",
    "住所": "address", "注册地址": "address", "证号": "licence_no", "许可证编号": "licence_no",
    "证书编号": "licence_no",
}  # fmt: skip


def _expected(cert: Certificate) -> dict[str, str]:
    out: dict[str, str] = {}
    for label, value in cert.rows.items():
        key = EXPECTED.get(label)
        if key and key not in out and value:
            out[key] = value.replace(" ", "")
    until = cert.rows.get("营业期限") or cert.rows.get("有效期至")
    if until:
        out["valid_until"] = (
            "长期" if "长期" in until else until[-11:].replace("年", "-").replace("月", "-").rstrip("日")
        )
    return out


def _valid_clean(cert: Certificate) -> bool:
    return cert.kind == "营业执照" and not cert.degradations and "长期" in cert.rows["营业期限"]


def _sample() -> list[Certificate]:
    """The certificates of two licensed shops of each platform that shows them (every kind and
    degradation the platforms serve), plus each degradation on one 营业执照, a wrong check digit
    and an expired one."""
    world = build_world()
    certs = []
    for platform in ("taobao", "jd", "pharmacy"):
        licensed = [s for s in world.shops[platform] if shop_certificates(world, s)]
        certs += [c for s in licensed[:2] for c in shop_certificates(world, s)]
    base = next(c for c in certs if _valid_clean(c))
    for how in DEGRADATIONS[1:]:
        certs.append(dataclasses.replace(base, degradations=how, seed=base.seed + repr(how)))
    code = base.rows["统一社会信用代码"]
    wrong = code[:17] + next(c for c in uscc.CHARSET if c != code[17])
    certs.append(dataclasses.replace(base, rows={**base.rows, "统一社会信用代码": wrong}, seed="wrong"))
    certs.append(
        dataclasses.replace(base, rows={**base.rows, "营业期限": "2010年01月05日至2022年01月04日"}, seed="exp")
    )
    return certs


@pytest.fixture(scope="module")
def readings(ocr_pool) -> list[tuple[Certificate, bytes, ImageReading]]:
    certs = _sample()
    pictures = [_render_certificate(c) for c in certs]
    futures = [ocr_pool.submit(p) for p in pictures]
    return [(c, p, f.result()) for c, p, f in zip(certs, pictures, futures, strict=True)]


def test_facts_read_right_from_nine_in_ten_pictures_degraded_ones_included(readings) -> None:
    kinds = {how for c, _, _ in readings for how in c.degradations}
    assert kinds >= {"blurred", "rotated", "textured", "jpeg"}
    right, wrong = 0, []
    for cert, _, reading in readings:
        licence = parse_certificate(reading)
        got = {k: f.value for k, f in licence.facts.items()}
        expected = _expected(cert)
        if licence.kind == cert.kind and all(got.get(k) == v for k, v in expected.items()):
            right += 1
        else:
            wrong.append(
                (cert.kind, cert.degradations, {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v})
            )
    assert right >= 0.9 * len(readings), "\n".join(map(str, wrong))
    degraded = [parse_certificate(r) for c, _, r in readings if c.degradations]
    assert sum(1 for lic in degraded if {"name", "uscc", "valid_until"} <= set(lic.facts)) >= 0.9 * len(degraded)


def _scan(reading: ImageReading, operator: str | None = None, min_conf: float | None = None) -> list:
    text, spans = compose(reading.lines)
    licence = parse_certificate(reading, "http://example.invalid/licence.png", {i: (a, b) for a, b, i in spans})
    doc = Document(
        id="shop", kind="shop", fields={"licence_text": text},
        attributes=Attributes(operator_name=operator, licence_images=[licence]),
    )  # fmt: skip
    return load_ruleset().scan(doc)


def test_wrong_check_digit_on_a_picture_is_an_invalid_code_cited_where_it_was_read(readings) -> None:
    cert, _, reading = next(r for r in readings if r[0].seed == "wrong")
    hits = [h for h in _scan(reading) if h.family == "licence.invalid"]
    assert [h.rule_id for h in hits] == ["SUBJ-LIC-010"]
    text, _ = compose(reading.lines)
    assert text[hits[0].start : hits[0].end] == cert.rows["统一社会信用代码"]


def test_expired_and_misnamed_pictures(readings) -> None:
    _, _, expired = next(r for r in readings if r[0].seed == "exp")
    assert {h.rule_id for h in _scan(expired)} == {"LIC-IMG-002"}
    cert, _, valid = next(r for r in readings if _valid_clean(r[0]))
    assert _scan(valid, operator=cert.rows["名称"]) == []
    mismatch = _scan(valid, operator="某某其他贸易有限公司")
    assert [h.rule_id for h in mismatch] == ["LIC-IMG-001"] and mismatch[0].field == "licence_text"


def test_a_picture_too_poor_to_read_goes_to_manual_review_not_to_a_violation(ocr_pool, readings) -> None:
    cert = next(c for c, _, _ in readings if c.seed == "exp")
    wrong_code = cert.rows["统一社会信用代码"][:17] + "0"
    poor = dataclasses.replace(
        cert, rows={**cert.rows, "统一社会信用代码": wrong_code, "营业期限": "2010年01月05日至2022年01月04日"},
        degradations=("illegible",), seed="poor",
    )  # fmt: skip
    reading = ocr_pool.read(_render_certificate(poor))
    hits = _scan(reading, operator="某某其他贸易有限公司")
    assert [h.family for h in hits] == ["licence.review"], hits
    assert hits[0].severity == "S4"
