"""CPU per picture and reading errors of the OCR engine as shipped, against rapidocr's own settings.

Both engines (one onnxruntime thread each) read the same pictures in one process, each picture
by one and then the other (the order alternating), and each keeps the lower CPU time
(`time.process_time`) of --rounds rounds, so a busy spell of the shared machine slows both.
Every reading is scored against the text the fixtures drew: each piece (a certificate's kind,
labels, values, authority and date; each 详情 line) costs the edit distance of its closest
match in the reading (whitespace removed, NFKC). Certificates also count whether the licence
facts come out right (as tests/ocr/test_licence_pictures.py judges them).

Not a `bench_*` script (no ratio line for `make bench`): run it when the engine's settings change.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from fixtures.certificate_samples import (  # noqa: E402
    Sample,
    certificate_of,
    clean_sample,
    expected_facts,
    more_clean_certificates,
    picture,
    shown_sample,
)
from fixtures.images import Certificate, font, render_detail  # noqa: E402
from fixtures.pictures import TEXT_PICTURES, detail_picture  # noqa: E402
from fixtures.world import build_world  # noqa: E402
from ocr.engine import OcrEngine  # noqa: E402
from ocr.licence import parse_certificate  # noqa: E402
from ocr.reading import ImageReading  # noqa: E402

#: (name, picture, the certificate drawn or None, the texts drawn)
Picture = tuple[str, bytes, Certificate | None, list[str]]

DETAIL_LINES = [line for lines, _, _ in TEXT_PICTURES["selfshop"] for line in lines] + [
    "正品保障 假一赔十", "七天无理由退换 放心购", "新疆长绒棉 柔软吸水", "每日一粒 营养全面", "产地直发 新鲜到家",
    "买二送一 限时特惠", "适用人群：成年人", "净含量：500克", "保质期：24个月", "贮存条件：阴凉干燥处",
    "生产许可证编号SC12344010600123", "客服热线400-800-1234", "满199元包邮", "官方旗舰店 品质保证",
]  # fmt: skip


def certificates_and_banners() -> list[Picture]:
    """The certificates the licence tests read, the certificates of 7 more licensed shops of each
    platform that shows them, the bench's two 详情 pictures and 8 pharmacy shop banners."""
    world = build_world()
    out = certificate_pictures(clean_sample() + more_clean_certificates())
    for i, lines in enumerate((DETAIL_LINES[:2], DETAIL_LINES[6:9])):
        out.append((f"detail {i}", render_detail(lines, seed=str(i)), None, ["产品详情", *lines]))
    for shop in world.shops["pharmacy"][:8]:
        name = f"banner-{shop.shop_id}"
        out.append((name, detail_picture(world, "pharmacy", name) or b"", None, [shop.name, *DETAIL_LINES[6:8]]))
    return out


def certificate_pictures(samples: list[Sample]) -> list[Picture]:
    out: list[Picture] = []
    for i, sample in enumerate(samples):
        cert = certificate_of(sample)
        drawn = [cert.kind, *(p for label, value in cert.rows.items() for p in (label, value) if p)]
        shown = " ".join(getattr(sample, "shown", ())) or " ".join(cert.degradations) or "clean"
        name = f"certificate {i} {cert.kind} {shown}"
        out.append((name, picture(sample), cert, drawn + [cert.authority, cert.issued]))
    return out


def details() -> list[Picture]:
    """12 fixture 详情 pictures of 2 to 7 lines, and 8 plain pictures of small text (14-24 px)."""
    rng = random.Random(7)
    out: list[Picture] = []
    for k in range(12):
        lines = rng.sample(DETAIL_LINES, 2 + k % 6)
        out.append((f"detail {k}", render_detail(lines, seed=f"s{k}"), None, ["产品详情", *lines]))
    sizes = [
        (750, 16, 4),
        (750, 18, 6),
        (750, 20, 8),
        (480, 16, 3),
        (480, 14, 5),
        (360, 14, 3),
        (640, 22, 10),
        (750, 24, 12),
    ]
    for width, size, n in sizes:
        lines = rng.sample(DETAIL_LINES, n)
        step = int(size * 1.8)
        img = Image.new("RGB", (width, 80 + n * step), (255, 255, 255))
        draw = ImageDraw.Draw(img)
        for i, line in enumerate(lines):
            draw.text((20, 40 + i * step), line, font=font(size), fill=(30, 30, 30))
        data = io.BytesIO()
        img.save(data, format="JPEG", quality=80)
        out.append((f"small text {width}x{img.height} {size}px", data.getvalue(), None, lines))
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def errors(piece: str, text: str) -> int:
    """Edit distance between `piece` and its closest substring of `text`."""
    prev = [0] * (len(text) + 1)
    for i, ch in enumerate(piece, 1):
        cur = [i] + [0] * len(text)
        for j, tc in enumerate(text, 1):
            cur[j] = min(prev[j - 1] + (ch != tc), prev[j] + 1, cur[j - 1] + 1)
        prev = cur
    return min(prev)


def facts_wrong(cert: Certificate, reading: ImageReading) -> dict[str, tuple[str, str | None]]:
    """Fact key → (expected, read) for every fact read wrong or not at all; the kind as `kind`."""
    licence = parse_certificate(reading)
    got: dict[str, str | None] = {k: f.value for k, f in licence.facts.items()}
    wrong = {k: (v, got.get(k)) for k, v in expected_facts(cert).items() if got.get(k) != v}
    if licence.kind != cert.kind:
        wrong["kind"] = (cert.kind, licence.kind)
    return wrong


def facts_right(cert: Certificate, reading: ImageReading) -> bool:
    return not facts_wrong(cert, reading)


def character_errors(drawn: list[str], reading: ImageReading) -> int:
    return sum(errors(_norm(p), _norm(reading.text)) for p in drawn if p)


def score_facts(pictures: list[Picture], rounds: int, shown: bool) -> None:
    """The shipped engine on certificate pictures: CPU per picture (lower of `rounds`), facts
    right (by key), certificates with every fact right, character errors; `shown` prints each
    reading and the facts it got wrong."""
    engine = OcrEngine(1)
    engine.read(pictures[0][1])  # load and warm
    cpu = [float("inf")] * len(pictures)
    readings: list[ImageReading] = []
    for r in range(rounds):
        for i, (_, data, _, _) in enumerate(pictures):
            started = time.process_time()
            reading = engine.read(data)
            cpu[i] = min(cpu[i], time.process_time() - started)
            if r == 0:
                readings.append(reading)
    by_key: dict[str, list[int]] = {}
    whole = wrong_chars = chars = 0
    for i, ((name, _, cert, drawn), reading) in enumerate(zip(pictures, readings, strict=True)):
        assert cert is not None
        wrong = facts_wrong(cert, reading)
        for key in [*expected_facts(cert), "kind"]:
            by_key.setdefault(key, [0, 0])[0] += key not in wrong
            by_key[key][1] += 1
        whole += not wrong
        errs = character_errors(drawn, reading)
        wrong_chars += errs
        chars += sum(len(_norm(p)) for p in drawn if p)
        if shown:
            print(f"--- {name}: {cpu[i]:.2f} s CPU, {errs} character errors")
            print("    " + reading.text.replace("\n", "\n    "))
            for key, (want, got) in wrong.items():
                print(f"    WRONG {key}: want {want!r} got {got!r}")
    right = sum(r for r, _ in by_key.values())
    total = sum(t for _, t in by_key.values())
    print(
        f"  {sum(cpu) / len(pictures):.3f} s CPU/picture; facts right {right}/{total} "
        f"({', '.join(f'{k} {r}/{t}' for k, (r, t) in by_key.items())}); "
        f"every fact right on {whole}/{len(pictures)} certificates; {wrong_chars} character errors in {chars}"
    )


def compare(pictures: list[Picture], engines: dict[str, Callable[[bytes], ImageReading]], rounds: int) -> None:
    cpu = {name: [float("inf")] * len(pictures) for name in engines}
    readings: dict[str, list[ImageReading]] = {name: [] for name in engines}
    for r in range(rounds):
        for i, (_, data, _, _) in enumerate(pictures):
            order = list(engines.items())
            for name, read in order if (r + i) % 2 == 0 else order[::-1]:
                started = time.process_time()
                reading = read(data)
                cpu[name][i] = min(cpu[name][i], time.process_time() - started)
                if r == 0:
                    readings[name].append(reading)
    chars = sum(len(_norm(p)) for *_, drawn in pictures for p in drawn if p)
    first = sum(cpu[next(iter(engines))])
    for name in engines:
        wrong = sum(
            character_errors(drawn, reading) for (*_, drawn), reading in zip(pictures, readings[name], strict=True)
        )
        certs = [(c, reading) for (_, _, c, _), reading in zip(pictures, readings[name], strict=True) if c]
        facts = f", licence facts right on {sum(facts_right(c, r) for c, r in certs)}/{len(certs)}" if certs else ""
        total = sum(cpu[name])
        print(
            f"  {name}: {total / len(pictures):.3f} s CPU/picture ({total / first - 1:+.1%}), "
            f"{wrong} character errors in {chars}{facts}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--facts", action="store_true",
        help="the shipped engine only, on the 45 clean certificates and on 21 certificates as shops show them "
        "(photos, screenshots, watermarks): facts right, character errors, CPU",
    )  # fmt: skip
    parser.add_argument("--shown", action="store_true", help="with --facts: print every reading and its wrong facts")
    parser.add_argument("--only", choices=("clean", "as"), help="with --facts: one of the two sets")
    args = parser.parse_args()
    if args.facts:
        sets = {"clean": clean_sample() + more_clean_certificates(), "as shops show them": shown_sample()}
        for name, samples in sets.items():
            if args.only and not name.startswith(args.only):
                continue
            print(f"certificates, {name} ({len(samples)} pictures, lower CPU of {args.rounds} rounds):")
            score_facts(certificate_pictures(samples), args.rounds, args.shown)
        return 0
    engines = {"rapidocr defaults": OcrEngine(1, tuned=False).read, "shipped": OcrEngine(1).read}
    for name, pictures in (("certificates and banners", certificates_and_banners()), ("详情 pictures", details())):
        for read in engines.values():
            read(pictures[0][1])  # load and warm
        print(f"{name} ({len(pictures)} pictures, lower CPU of {args.rounds} rounds):")
        compare(pictures, engines, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
