"""Certificate pictures as the fixture platforms serve them (valid, wrong check digit, expired,
blurred, turned, on a security background, JPEG), read by the real OCR engine: facts come out
right, and the licence checks judge them, sending a picture too poor to read to a person."""

from __future__ import annotations

import dataclasses

import pytest

from fixtures.certificate_samples import clean_sample, expected_facts, picture, valid_clean
from fixtures.images import Certificate
from ocr.licence import parse_certificate
from ocr.reading import ImageReading, compose
from tests.ocr.scanning import scan_certificate


@pytest.fixture(scope="module")
def readings(ocr_pool) -> list[tuple[Certificate, bytes, ImageReading]]:
    certs = clean_sample()
    pictures = [picture(c) for c in certs]
    futures = [ocr_pool.submit(p) for p in pictures]
    return [(c, p, f.result()) for c, p, f in zip(certs, pictures, futures, strict=True)]


def test_facts_read_right_from_nine_in_ten_pictures_degraded_ones_included(readings) -> None:
    kinds = {how for c, _, _ in readings for how in c.degradations}
    assert kinds >= {"blurred", "rotated", "textured", "jpeg"}
    right, wrong = 0, []
    for cert, _, reading in readings:
        licence = parse_certificate(reading)
        got = {k: f.value for k, f in licence.facts.items()}
        expected = expected_facts(cert)
        if licence.kind == cert.kind and all(got.get(k) == v for k, v in expected.items()):
            right += 1
        else:
            wrong.append(
                (cert.kind, cert.degradations, {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v})
            )
    assert right >= 0.9 * len(readings), "\n".join(map(str, wrong))
    degraded = [parse_certificate(r) for c, _, r in readings if c.degradations]
    assert sum(1 for lic in degraded if {"name", "uscc", "valid_until"} <= set(lic.facts)) >= 0.9 * len(degraded)


def test_wrong_check_digit_on_a_picture_is_an_invalid_code_cited_where_it_was_read(readings) -> None:
    cert, _, reading = next(r for r in readings if r[0].seed == "wrong")
    hits = [h for h in scan_certificate(reading) if h.family == "licence.invalid"]
    assert [h.rule_id for h in hits] == ["SUBJ-LIC-010"]
    text, _ = compose(reading.lines)
    assert text[hits[0].start : hits[0].end] == cert.rows["统一社会信用代码"]


def test_expired_and_misnamed_pictures(readings) -> None:
    _, _, expired = next(r for r in readings if r[0].seed == "exp")
    assert {h.rule_id for h in scan_certificate(expired)} == {"LIC-IMG-002"}
    cert, _, valid = next(r for r in readings if valid_clean(r[0]))
    assert scan_certificate(valid, operator=cert.rows["名称"]) == []
    mismatch = scan_certificate(valid, operator="某某其他贸易有限公司")
    assert [h.rule_id for h in mismatch] == ["LIC-IMG-001"] and mismatch[0].field == "licence_text"


def test_a_picture_too_poor_to_read_goes_to_manual_review_not_to_a_violation(ocr_pool, readings) -> None:
    cert = next(c for c, _, _ in readings if c.seed == "exp")
    wrong_code = cert.rows["统一社会信用代码"][:17] + "0"
    poor = dataclasses.replace(
        cert, rows={**cert.rows, "统一社会信用代码": wrong_code, "营业期限": "2010年01月05日至2022年01月04日"},
        degradations=("illegible",), seed="poor",
    )  # fmt: skip
    reading = ocr_pool.read(picture(poor))
    hits = scan_certificate(reading, operator="某某其他贸易有限公司")
    assert [h.family for h in hits] == ["licence.review"], hits
    assert hits[0].severity == "S4"
