"""Certificates as real shops show them (fixtures.shop_photos: today's two-column layouts with
the code printed under its label, phone photos turned and unevenly lit, screenshots of the
shop's page, diagonal shop watermarks, JPEG at quality 60), read by the real OCR engine: the
facts come out right on most of them, and no watermark reaches the text the rules scan."""

from __future__ import annotations

import pytest

from fixtures.certificate_samples import expected_facts, picture, shown_sample
from fixtures.shop_photos import ShownCertificate
from fixtures.uscc import make_valid
from ocr.licence import parse_certificate, repaired_code
from ocr.reading import WATERMARK, ImageReading, compose

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
    assert misread != code and repaired_code(misread) == code
    wrong_check = code[:17] + ("0" if code[17] != "0" else "1")
    assert repaired_code(wrong_check) == wrong_check
    assert repaired_code(wrong_check[:10] + "O" + wrong_check[11:]) == wrong_check[:10] + "O" + wrong_check[11:]
