"""`wangjian ocr IMAGE...`: read pictures the way the crawl does, so rule authors can see what
OCR makes of a licence or detail picture and run packs on it:

    wangjian ocr detail.jpg                      # lines with confidence and box
    wangjian ocr licence.png --json              # reading, parsed licence facts and document
    wangjian ocr detail.jpg --document | wangjian rules scan

A picture whose text names a certificate (营业执照, 许可证 …) is read as a licence: its text is
the document's `licence_text` and its facts `attributes.licence_images`; any other picture's
text is `image_text`, which every rule on the description also searches."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("ocr", help="read the text in pictures (licences, detail pictures)")
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object per picture: reading, licence, document")
    out.add_argument("--document", action="store_true", help="one rules Document per line, for `wangjian rules scan`")
    parser.add_argument("--as", dest="role", choices=("auto", "licence", "detail"), default="auto")
    parser.set_defaults(func=run)


def picture_document(data: bytes, reading: Any, role: str = "auto", name: str = "") -> dict[str, Any]:
    """The Document the crawl's OCR stage would add for this picture alone."""
    from ocr.licence import certificate_kind, parse_certificate
    from ocr.reading import compose
    from rules.document import Attributes, Document

    text, spans = compose(reading.lines)
    is_licence = role == "licence" or (role == "auto" and certificate_kind(reading) is not None)
    if is_licence:
        located = {index: (start, end) for start, end, index in spans}
        licence = parse_certificate(reading, name or None, located)
        doc = Document(
            id=f"picture:{reading.sha256}",
            kind="shop",
            fields={"licence_text": text} if text else {},
            attributes=Attributes(licence_images=[licence]),
        )
    else:
        doc = Document(id=f"picture:{reading.sha256}", kind="product", fields={"image_text": text} if text else {})
    return doc.model_dump(mode="json", exclude_defaults=True)


def run(args: argparse.Namespace) -> int:
    from cli import CliError
    from ocr.engine import OcrEngine, UnreadableImage

    engine = OcrEngine()
    for path in args.images:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror}") from exc
        try:
            reading = engine.read(data)
        except UnreadableImage as exc:
            raise CliError(f"{path}: {exc}") from exc
        doc = picture_document(data, reading, args.role, str(path))
        if args.document:
            print(json.dumps(doc, ensure_ascii=False))
        elif args.json:
            payload = {"image": str(path), "reading": reading.model_dump(mode="json"), "document": doc}
            print(json.dumps(payload, ensure_ascii=False))
        else:
            _print_reading(path, reading, doc)
    return 0


def _print_reading(path: Path, reading: Any, doc: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(f"{path}  {reading.width}x{reading.height}  sha256 {reading.sha256}  {reading.seconds:.2f}s\n")
    for line in reading.lines:
        box = " ".join(f"{x},{y}" for x, y in line.box)
        out.write(f"  {line.confidence:.3f}  [{box}]  {line.text}\n")
    for licence in doc.get("attributes", {}).get("licence_images", []):
        out.write(f"  licence: {licence.get('kind') or 'unrecognised'}\n")
        for key, fact in licence.get("facts", {}).items():
            out.write(f"    {key}: {fact['value']}  ({fact.get('confidence', 0):.3f})\n")
