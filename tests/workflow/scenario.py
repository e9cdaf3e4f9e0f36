"""A small monitoring history written straight into the test database: two runs of one
task over four shops on two platforms, with evidence records (body, headers, screenshot)
in GridFS, as the crawl pipelines would have left them."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from rules.uscc import check_character
from store.database import Store
from store.models import Artifact, Clue, ClueHit, EvidenceRecord, EvidenceRef, RuleRef, Target
from store.regions import region_for

TASK = "T2025-SN-001"
RUN_1 = ("JOB-20250301-a1", datetime(2025, 3, 1, 2, 0, tzinfo=UTC))
RUN_2 = ("JOB-20250308-b2", datetime(2025, 3, 8, 2, 0, tzinfo=UTC))


def png(width: int, height: int, seed: int) -> bytes:
    """A striped RGB PNG, different per seed, so each screenshot has its own hash."""
    rows = b"".join(
        b"\x00"
        + bytes(v for x in range(width) for v in (((x // 12) * 37 + seed * 53) % 256, (y * 3 + seed) % 256, 180))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def uscc(region_code: str, body: str) -> str:
    first17 = f"91{region_code}{body}"
    return first17 + check_character(first17)


@dataclass
class Shop:
    platform: str
    shop_id: str
    name: str
    uscc: str | None = None
    address: str | None = None

    def target(self, kind: str = "shop", item_id: str | None = None) -> Target:
        base = f"http://127.0.0.1:8999/{self.platform}"
        url = f"{base}/item/{item_id}.html" if item_id else f"{base}/shop/{self.shop_id}.html"
        return Target(
            kind=kind, platform=self.platform, shop_id=self.shop_id, shop_name=self.name, item_id=item_id,
            url=url, uscc=self.uscc, region=region_for(self.uscc, self.address),
        )  # fmt: skip


SHOPS = {
    "pharmacy": Shop("yunmall", "s1001", "遂宁康健大药房旗舰店", uscc("510903", "MA62Q8XK3")),
    "beauty": Shop("yunmall", "s1002", "杭州美妆小铺", uscc("330106", "MA2H7Y0P1")),
    "tea": Shop("leyou", "L-88", "成都蜀香茶行", address="四川省成都市武侯区科华北路65号"),
    "anon": Shop("leyou", "L-99", "好物优选"),
}

RULES = {
    "drug": RuleRef(id="DRUG-BAN-001", family="drug.banned_online", title="网络销售禁止清单内药品", severity="S1",
                    pack="drug-online-sales", pack_version="1.0.0", legal_basis=["药品管理法 第六十一条"]),
    "abs": RuleRef(id="AD-ABS-001", family="ad.absolute", title="使用“最佳”“国家级”等绝对化用语", severity="S2",
                   pack="ad-absolute-terms", pack_version="1.0.0", legal_basis=["广告法 第九条(三)"]),
    "cos": RuleRef(id="COS-CLAIM-001", family="cosmetic.claim", title="化妆品宣称“药妆”“医学护肤”", severity="S2",
                   pack="cosmetics-claims", pack_version="1.0.0", legal_basis=["化妆品监督管理条例 第三十七条"]),
    "terms": RuleRef(id="CONS-TERM-001", family="clause.unfair_format", title="格式条款声明“最终解释权归商家所有”",
                     severity="S3", pack="consumer-format-terms", pack_version="1.0.0",
                     legal_basis=["网络交易监督管理办法 第二十一条"]),
    "lic": RuleRef(id="SUBJ-LIC-001", family="licence.missing", title="未公示营业执照信息", severity="S3",
                   pack="subject-licence-display", pack_version="1.0.0",
                   legal_basis=["网络交易监督管理办法 第十二条", "电子商务法 第十五条"]),
}  # fmt: skip


@dataclass
class World:
    store: Store
    clues: dict[str, Clue] = field(default_factory=dict)
    evidence: dict[str, EvidenceRecord] = field(default_factory=dict)
    screenshots: dict[str, bytes] = field(default_factory=dict)


def capture(world: World, target: Target, run: tuple[str, datetime], seq: int, browser: bool = True) -> EvidenceRef:
    job_id, started = run
    at = started + timedelta(minutes=seq)
    body = f"<html><body><h1>{target.shop_name}</h1><p>{target.url}</p></body></html>".encode()
    headers = json.dumps({"content-type": ["text/html; charset=utf-8"]}).encode()
    blobs = {"body": (body, "text/html"), "headers": (headers, "application/json")}
    if browser:
        blobs["screenshot"] = (png(240, 160, seq + len(world.evidence)), "image/png")
    artifacts = []
    stored = {}
    for kind, (data, media) in blobs.items():
        digest = hashlib.sha256(data).hexdigest()
        artifacts.append(Artifact(kind=kind, file_id=digest, sha256=digest, size=len(data), media_type=media))
        stored[digest] = data
    manifest = hashlib.sha256("\n".join(f"{a.kind} {a.sha256}" for a in artifacts).encode()).hexdigest()
    evidence_id = f"EV-{job_id}-{seq:03d}"
    record = EvidenceRecord.model_validate(
        {"_id": evidence_id, "url": target.url, "final_url": target.url, "http_status": 200,
         "capture_start": at, "capture_end": at + timedelta(seconds=4), "method": "browser" if browser else "http",
         "tool": "chromium 140.0" if browser else "scrapy 2.19.0", "platform": target.platform,
         "target_id": f"{target.platform}:{target.item_id or target.shop_id}", "task_id": TASK, "job_id": job_id,
         "artifacts": artifacts, "manifest_sha256": manifest}
    )  # fmt: skip
    world.store.put_evidence(record, stored)
    world.evidence[evidence_id] = record
    if browser:
        world.screenshots[evidence_id] = blobs["screenshot"][0]
    return EvidenceRef(evidence_id=evidence_id, sha256=manifest, url=target.url, captured_at=at,
                       kinds=[a.kind for a in artifacts])  # fmt: skip


def add_clue(world: World, name: str, rule: str, target: Target, hit: ClueHit, runs: list[int]) -> Clue:
    refs = [capture(world, target, (RUN_1, RUN_2)[r], len(world.evidence) + 1) for r in runs]
    job_id = (RUN_1, RUN_2)[runs[-1]][0]
    clue = Clue.model_validate(
        {"_id": hashlib.sha256(f"{target.url}|{RULES[rule].id}".encode()).hexdigest(), "rule": RULES[rule],
         "target": target, "hit": hit, "evidence": refs, "first_seen": refs[0].captured_at + timedelta(seconds=30),
         "last_seen": refs[-1].captured_at + timedelta(seconds=30), "seen_count": len(runs), "task_id": TASK,
         "job_id": job_id}
    )  # fmt: skip
    world.store.clues.insert_one(clue.model_dump(by_alias=True))
    world.clues[name] = clue
    return clue


def build_world(store: Store) -> World:
    w = World(store)
    pharmacy, beauty, tea, anon = (SHOPS[k] for k in ("pharmacy", "beauty", "tea", "anon"))
    add_clue(
        w,
        "drug",
        "drug",
        pharmacy.target("product", "p-501"),
        ClueHit(field="title", term="氨酚待因片", snippet="【现货速发】氨酚待因片 20片 止痛", start=6, end=11),
        [0],
    )
    add_clue(
        w,
        "abs",
        "abs",
        pharmacy.target("product", "p-502"),
        ClueHit(field="description", term="国家级", snippet="国家级专家推荐，疗效最佳", start=0, end=3),
        [0, 1],
    )
    add_clue(
        w,
        "cos",
        "cos",
        beauty.target("product", "b-77"),
        ClueHit(field="title", term="药妆", snippet="修护药妆精华 敏感肌专用", start=2, end=4),
        [0, 1],
    )
    add_clue(
        w,
        "terms",
        "terms",
        beauty.target(),
        ClueHit(field="terms", term="最终解释权", snippet="本活动最终解释权归本店所有。", start=3, end=8),
        [1],
    )
    add_clue(w, "tea", "lic", tea.target(), ClueHit(field="shop_info"), [1])
    add_clue(w, "anon", "lic", anon.target(), ClueHit(field="shop_info"), [0])
    return w
