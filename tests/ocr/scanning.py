"""The rule scan of one certificate picture's reading, as the OCR stage hands it over: its
composed text in licence_text, its parsed facts (with their spans) in licence_images."""

from __future__ import annotations

from ocr.licence import parse_certificate
from ocr.reading import ImageReading, compose
from rules import load_ruleset
from rules.document import Attributes, Document


def scan_certificate(reading: ImageReading, operator: str | None = None) -> list:
    text, spans = compose(reading.lines)
    licence = parse_certificate(reading, "http://example.invalid/licence.png", {i: (a, b) for a, b, i in spans})
    doc = Document(
        id="shop", kind="shop", fields={"licence_text": text},
        attributes=Attributes(operator_name=operator, licence_images=[licence]),
    )  # fmt: skip
    return load_ruleset().scan(doc)
