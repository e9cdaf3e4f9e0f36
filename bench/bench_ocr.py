"""OCR throughput through the project against rapidocr called directly, and what OCR costs a crawl.

1. The same pictures (certificate pictures as the fixture platforms serve them, degraded ones
   included, and 详情 pictures) are read by rapidocr-onnxruntime called directly in this process
   (one thread, as each project worker uses) and through the project's worker pool (one worker
   of one thread: submit, read in the worker, reading returned as a model). Both have loaded
   their models before the clock starts; they take turns on the batch and each keeps its best
   round. Goal: project >= 0.9 x direct.
2. The selfshop fixture platform (every product's 详情 column holds pictures) is crawled twice
   into an embedded MongoDB, with OCR off and with OCR on (a fresh reading cache): pages/s,
   pages being the crawl's own page responses (pictures fetched for OCR are not counted).

Ends with:
  bench ocr: images_per_s=<project> ratio=<project/direct> vs rapidocr_direct
  bench ocr_crawl: pages_per_s=<OCR on> ratio=<on/off> vs ocr_off
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.images import render_detail  # noqa: E402
from fixtures.pictures import DEGRADATIONS, certificate_bytes, shop_certificates  # noqa: E402
from fixtures.world import build_world  # noqa: E402
from ocr.pool import OcrPool  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_OCR_ROUNDS", "3"))


def pictures() -> list[bytes]:
    world = build_world()
    certs = [c for s in world.shops["pharmacy"][:3] for c in shop_certificates(world, s)][:4]
    base = certs[0]
    certs += [dataclasses.replace(base, degradations=how, seed=repr(how)) for how in DEGRADATIONS[1:3]]
    details = [
        render_detail(["精选好物 品质生活", "三天根治脱发，告别烦恼"], seed="a"),
        render_detail(["正品保障 假一赔十", "七天无理由退换 放心购", "新疆长绒棉 柔软吸水"], seed="b"),
    ]
    return [certificate_bytes(c) for c in certs] + details


def ocr_rates(images: list[bytes]) -> tuple[float, float]:
    """(project, direct) images/s: the two read the same batch in turn, ROUNDS times, and each
    keeps its best round, so a busy machine slows neither side more than the other."""
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    engine(images[0])  # load and warm
    best_project = best_direct = 0.0
    with OcrPool(workers=1, threads_per_worker=1) as pool:
        pool.warm()
        pool.read(images[0])
        for _ in range(ROUNDS):
            started = time.perf_counter()
            for future in [pool.submit(data) for data in images]:
                future.result()
            best_project = max(best_project, len(images) / (time.perf_counter() - started))
            started = time.perf_counter()
            for data in images:
                engine(data)
            best_direct = max(best_direct, len(images) / (time.perf_counter() - started))
    return best_project, best_direct


def crawl(ocr: bool, mongo_uri: str, start_urls: list[str], workdir: Path) -> dict:
    stats_file = workdir / f"stats-{int(ocr)}.json"
    cmd = [
        sys.executable, "-m", "cli", "crawl", "selfshop", "-s", f"MONGO_URI={mongo_uri}",
        "-s", f"MONGO_DATABASE=bench_ocr_{int(ocr)}", "-s", f"OCR_ENABLED={int(ocr)}",
        "-s", f"OCR_CACHE_DIR={workdir / 'ocr-cache'}", "--stats-json", str(stats_file),
    ]  # fmt: skip
    for url in start_urls:
        cmd += ["--start-url", url]
    env = {**os.environ, "WANGJIAN_VAR": str(workdir / f"var-{int(ocr)}")}
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return json.loads(stats_file.read_text(encoding="utf-8"))


def pages_per_s(stats: dict) -> float:
    pages = stats.get("response_received_count", 0) - stats.get("wangjian/ocr/images_fetched", 0)
    return pages / float(stats["elapsed_time_seconds"])


def main() -> int:
    from fixtures.server import FixtureServer
    from store.embedded_mongo import EmbeddedMongo

    images = pictures()
    project, baseline = ocr_rates(images)
    print(f"OCR of {len(images)} pictures, best of {ROUNDS} rounds each: project {project:.3f} images/s, "
          f"rapidocr direct {baseline:.3f} images/s")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, EmbeddedMongo(Path(tmp) / "mongo") as mongo, FixtureServer() as server:
        urls = server.start_urls("selfshop")
        off = crawl(False, mongo.uri, urls, Path(tmp))
        on = crawl(True, mongo.uri, urls, Path(tmp))
    off_rate, on_rate = pages_per_s(off), pages_per_s(on)
    print(
        f"selfshop crawl: OCR off {off_rate:.2f} pages/s; OCR on {on_rate:.2f} pages/s, "
        f"{on.get('wangjian/ocr/images_read', 0)} pictures read, {on.get('wangjian/ocr/images_cached', 0)} from cache, "
        f"reactor max lag {on.get('wangjian/reactor/max_lag_ms')} ms (off: {off.get('wangjian/reactor/max_lag_ms')} ms)"
    )
    print(f"bench ocr: images_per_s={project:.3f} ratio={project / baseline:.2f} vs rapidocr_direct")
    print(f"bench ocr_crawl: pages_per_s={on_rate:.2f} ratio={on_rate / off_rate:.2f} vs ocr_off")
    return 0


if __name__ == "__main__":
    sys.exit(main())
