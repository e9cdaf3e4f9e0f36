"""Where a profiled crawl spent its samples: reads a py-spy flame graph (SVG, as written by
`bench_crawl.py --profile FILE.svg`) and prints a Markdown table of the share of all
samples under each crawl part (a frame counts once however deep it recurses).

Run: .venv/bin/python bench/profile_table.py bench/crawl_profile.svg"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

#: (part, pattern matched against "function (file:line)" of a frame)
PARTS = (
    ("OCR worker processes (models)", r"^_read \(ocr/pool\.py"),
    ("pipeline: normalise", r"^process_item \(pipelines/normalise\.py"),
    ("pipeline: evidence hashing (evidence thread)", r"^records \(pipelines/evidence\.py|^_picture_record \("),
    ("pipeline: OCR stage (reactor)", r"pipelines/ocr\.py"),
    ("pipeline: detect (rules scan, detect thread)", r"^scan_within_budget \(|^scan_with_category \(rules/engine"),
    ("pipeline: clues stage (reactor)", r"^process_item \(pipelines/clues\.py"),
    ("store writer (MongoDB batches, writer thread)", r"^write \(store/writer\.py"),
    ("spider callbacks (extraction)", r"crawler/spiders/|crawler/extract/"),
    ("Scrapy downloader + HTTP (Twisted)", r"scrapy/core/downloader|twisted/web/_newclient|twisted/internet/tcp"),
)
FRAME = re.compile(r'<title>(.*?)</title><rect [^>]*?fg:x="(\d+)" fg:w="(\d+)"')


def frames(svg: str) -> list[tuple[str, int, int]]:
    """(frame name without its sample count, first sample, samples) of every box in the graph."""
    return [
        (re.sub(r" \([\d,]+ samples?, [\d.]+%\)$", "", html.unescape(m[1])), int(m[2]), int(m[3]))
        for m in FRAME.finditer(svg)
    ]


def shares(svg: str) -> tuple[int, dict[str, int]]:
    """All samples, and the samples under each of PARTS (nested matches of a part counted once)."""
    boxes = frames(svg)
    total = max(w for _, _, w in boxes)
    result: dict[str, int] = {}
    for part, pattern in PARTS:
        rx = re.compile(pattern)
        counted, end = 0, -1
        for x, w in sorted(((x, w) for name, x, w in boxes if rx.search(name)), key=lambda b: (b[0], -b[1])):
            if x >= end:  # not inside the last counted box
                counted += w
                end = x + w
        result[part] = counted
    return total, result


def main() -> int:
    svg = Path(sys.argv[1]).read_text(encoding="utf-8")
    total, result = shares(svg)
    print(f"| part of the crawl | samples | share of all samples ({total}) |")
    print("| --- | ---: | ---: |")
    for part, n in result.items():
        print(f"| {part} | {n} | {100 * n / total:.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
