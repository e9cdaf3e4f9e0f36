"""Certificates as real shops show them (fixtures.shop_photos: today's two-column layouts with
the code printed under its label, phone photos turned and unevenly lit, screenshots of the
shop's page, diagonal shop watermarks, JPEG at quality 60), read by the real OCR engine: the
facts come out right on most of them, and no watermark reaches the text the rules scan."""

from __future__ import annotations

import pytest

from fixtures.certificate_samples import expected_facts, picture, shown_sample
from fixtures.shop_photos import ShownCertificate
from fixtures.uscc import make_valid
from ocr.licence import parse_certificate
from ocr.reading import WATERMARK, ImageReading, OcrLine, compose
from rules import uscc
from tests.ocr.scanning import scan_certificate

#: Measured with bench/ocr_readings.py --facts (bench/README.md, OCR): the floors sit a little
#: below what the reader gets, so a reader that gets worse fails.
FACTS_RIGHT = 0.92
WHOLE_CERTIFICATES = 0.7


@pytest.fixture(scope="module")
def readings(ocr_pool) -> list[tuple[ShownCertificate, ImageReading]]:
    samples = shown_sample()
    futures = [ocr_pool.submit(picture(s)) for s in samples]
    return [(s, f.result()) for s, f in zip(samples, futures, strict=True)]


def test_facts_read_right_from_photos_screenshots_and_watermarked_pictures(readings) -> None:
    shown = {how for s, _ in readings for how in s.shown}
    assert shown == {"photo", "screenshot", "watermark"}
    right = total = whole = 0
    wrong = []
    for sample, reading in readings:
        licence = parse_certificate(reading)
        assert licence.kind == sample.cert.kind
        got = {k: f.value for k, f in licence.facts.items()}
        missed = {k: (v, got.get(k)) for k, v in expected_facts(sample.cert).items() if got.get(k) != v}
        right += len(expected_facts(sample.cert)) - len(missed)
        total += len(expected_facts(sample.cert))
        whole += not missed
        if missed:
            wrong.append((sample.cert.kind, sample.shown, missed))
    assert right >= FACTS_RIGHT * total, "\n".join(map(str, wrong))
    assert whole >= WHOLE_CERTIFICATES * len(readings), "\n".join(map(str, wrong))


def test_no_watermark_reaches_the_text_the_rules_scan(readings) -> None:
    for sample, reading in readings:
        text, _ = compose(reading.lines)
        assert not WATERMARK.search(text.replace(" ", "")), (sample.shown, text)


def test_a_misread_code_is_put_right_only_when_its_check_character_agrees() -> None:
    import random

    code = make_valid(random.Random(3), "330106")
    misread = code[:2] + code[2:8].replace("0", "O").replace("1", "I") + code[8:]
    assert misread != code and uscc.repaired(misread) == code
    wrong_check = code[:17] + ("0" if code[17] != "0" else "1")
    assert uscc.repaired(wrong_check) == wrong_check
    assert uscc.repaired(wrong_check[:10] + "O" + wrong_check[11:]) == wrong_check[:10] + "O" + wrong_check[11:]


def test_the_licence_checks_judge_shown_pictures_as_the_certificates_say(readings) -> None:
    """A shown 营业执照 of the shop's own operator is no violation, unless it has run out
    (LIC-IMG-002) or its code fails GB 32100 (SUBJ-LIC-010)."""
    for sample, reading in readings:
        if sample.cert.kind != "营业执照":
            continue
        rows = sample.cert.rows
        hits = scan_certificate(reading, operator=rows["名称"])
        expected = set()
        if "长期" not in rows["营业期限"]:
            expected.add("LIC-IMG-002")
        if not uscc.is_valid(rows["统一社会信用代码"]):
            expected.add("SUBJ-LIC-010")
        assert {h.rule_id for h in hits if h.family == "licence.invalid"} == expected, (sample.shown, hits)


def test_a_code_misread_with_letters_no_code_holds_is_put_right_in_the_text_the_rules_scan() -> None:
    import random

    code = make_valid(random.Random(5), "440305")
    misread = code.replace("0", "O")
    line = OcrLine(text=misread, box=[(10, 10), (300, 10), (300, 40), (10, 40)], confidence=0.98)
    label = OcrLine(text="统一社会信用代码", box=[(10, -40), (200, -40), (200, -10), (10, -10)], confidence=0.99)
    text, spans = compose([label, line])
    assert code in text and [text[a:b] for a, b, _ in spans] == ["统一社会信用代码", code]
    reading = ImageReading(sha256="0" * 64, width=400, height=60, lines=[label, line])
    assert not [h for h in scan_certificate(reading) if h.rule_id == "SUBJ-LIC-010"]
