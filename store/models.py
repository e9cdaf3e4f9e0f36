"""Typed records the pipelines write: evidence records and clues (docs/architecture.md, "Clues",
"Evidence"). Downstream systems read these names; the clue JSON Schema is generated from
`Clue` and shipped as store/clue.schema.json."""

from __future__ import annotations

import functools
import getpass
import socket
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ClueStatus = Literal["new", "review", "confirmed", "dismissed", "transferred", "closed"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Artifact(BaseModel):
    """One stored object of an evidence record (raw body, headers, screenshot; for a picture
    read by OCR, also the reading itself: its lines with boxes and confidences, as JSON)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["body", "headers", "rendered", "screenshot", "ocr"]
    file_id: str  # content address in the evidence store: hex SHA-256 of the bytes
    sha256: str
    sm3: str | None = None  # GB/T 32905 SM3 of the same bytes, for government tooling
    size: int
    media_type: str


class CaptureLocation(BaseModel):
    """地点 of an extraction: the collecting machine (the page's address is the record's URL)."""

    model_config = ConfigDict(extra="forbid")

    host: str
    user: str | None = None


@functools.cache
def collector_location() -> CaptureLocation:
    try:
        user: str | None = getpass.getuser()
    except (KeyError, OSError):
        user = None
    return CaptureLocation(host=socket.gethostname(), user=user)


class EvidenceSeal(BaseModel):
    """Integrity of the whole record: its metadata (URLs, redirects, times, status, platform,
    capture tool and method, place) and artifact list, hashed in a canonical form; with the
    bureau's evidence key also an HMAC, which a consistent re-hash without the key cannot forge."""

    model_config = ConfigDict(extra="forbid")

    sha256: str
    sm3: str | None = None
    hmac_sha256: str | None = None
    key_id: str | None = None  # which evidence key made the HMAC (a hash of the key, never the key)


class EvidenceRecord(BaseModel):
    """One page capture as electronic evidence (GB/T 37919; DB5109/T15 Annex C)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    evidence_id: str = Field(alias="_id")
    url: str
    final_url: str
    redirect_chain: list[str] = Field(default_factory=list)
    http_status: int
    capture_start: datetime
    capture_end: datetime
    method: Literal["http", "browser"]
    tool: str  # e.g. "scrapy 2.19.0" or "chromium 156.0"
    user_agent: str | None = None
    platform: str
    target_id: str
    task_id: str | None = None
    job_id: str | None = None
    artifacts: list[Artifact]
    manifest_sha256: str  # 完整性校验值 over the artifact hashes
    manifest_sm3: str | None = None  # the same manifest hashed with SM3
    location: CaptureLocation | None = None
    seal: EvidenceSeal | None = None  # over every field above (store/integrity.py)
    stored_at: datetime | None = None  # when the record was written to the evidence store


class RuleRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    family: str
    title: str
    severity: str
    pack: str
    pack_version: str
    legal_basis: list[str]
    department: str | None = None  # 业务部门 that judges clues of this rule


class Region(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None


class TargetCategory(BaseModel):
    """The clue's record of the category the rules engine judged the page under (the
    engine's `rules.category.CategoryGuess`, as stored: the store does not import rules)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(description="药品, 医疗器械, 化妆品, 保健食品, 食品, 普通商品, or null when unknown")
    source: Literal["document", "inferred", "unknown"] = Field(
        description="document: given by the crawl; inferred: read from the page; unknown: neither"
    )
    evidence: str | None = Field(default=None, description="the kind of signal that decided (药品批准文号, 商品名称 …)")
    field: str | None = Field(default=None, description="the text field the signal was found in")
    term: str | None = Field(default=None, description="the signal's text as the page shows it")


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["shop", "product"]
    platform: str
    shop_id: str | None = None
    shop_name: str | None = None
    item_id: str | None = None
    url: str
    uscc: str | None = None
    region: Region | None = None
    #: what kind of product the rules judged the page as, and the evidence (a registration
    #: number, a mark, the product name) when it was read from the page
    category: TargetCategory | None = None


class ImageCitation(BaseModel):
    """The picture a hit's words were read from (OCR): which picture, where in it, how sure."""

    model_config = ConfigDict(extra="forbid")

    url: str
    sha256: str  # of the picture's bytes, as stored in the evidence record
    evidence_id: str
    box: list[tuple[int, int]]  # the text line's quadrilateral, picture pixels, clockwise from top-left
    confidence: float
    text: str  # the whole line as read


class ClueHit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    term: str | None = None
    snippet: str | None = None
    start: int | None = None
    end: int | None = None
    image: ImageCitation | None = None  # set when the words were read from a picture


class EvidenceRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evidence_id: str
    sha256: str  # the record's manifest hash
    url: str
    captured_at: datetime
    kinds: list[str]


#: A name or department fits easily; a pasted document does not belong in `by`.
BY_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 4000


class HistoryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    at: datetime
    from_: ClueStatus | None = Field(alias="from")
    to: ClueStatus
    by: str = Field(min_length=1, max_length=BY_MAX_LENGTH, description="officer or department")
    note: str | None = Field(None, max_length=NOTE_MAX_LENGTH)


class Clue(BaseModel):
    """One (target, rule[, term]) violation, however often it is seen."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str = Field(alias="_id", description="fingerprint: hex SHA-256 of platform, target id, rule id, term")
    rule: RuleRef
    target: Target
    hit: ClueHit
    evidence: list[EvidenceRef] = Field(default_factory=list)
    first_seen: datetime
    last_seen: datetime
    seen_count: int = Field(default=1, ge=1)
    task_id: str | None = None
    job_id: str | None = None
    status: ClueStatus = "new"
    history: list[HistoryEntry] = Field(default_factory=list)
    seq: str | None = Field(
        default=None,
        description="insertion key: hex ObjectId made when the clue was first stored; never changes, "
        "grows with insertion time (the read API's cursor order)",
    )
