"""What travels between pipeline stages: the crawled item plus what each stage adds.

Spiders yield plain ShopItem / ProductItem; the normalise stage wraps each in an Envelope
so later stages never re-derive what an earlier one computed."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from crawler.items import ProductItem, ShopItem
from rules.category import CategoryGuess
from rules.document import Document
from rules.hit import Hit
from store.models import EvidenceRecord, ImageCitation


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: ShopItem | ProductItem
    document: Document
    evidence: list[EvidenceRecord] = Field(default_factory=list)
    evidence_stored: bool = False
    # Bytes of the evidence artifacts by SHA-256, kept until the clue stage decides whether
    # they must be stored; never serialised.
    evidence_blobs: dict[str, bytes] = Field(default_factory=dict, exclude=True, repr=False)
    hits: list[Hit] = Field(default_factory=list)
    #: the category the rules judged the document under (given, or read from the page)
    category: CategoryGuess | None = None
    # Text read from pictures: (field, start, end) of each line in the document's text and
    # the picture it came from, so a hit there can cite the picture and the box.
    image_lines: list[tuple[str, int, int, ImageCitation]] = Field(default_factory=list)

    def image_citation(self, field: str, start: int | None, end: int | None) -> ImageCitation | None:
        if start is None:
            return None
        for name, a, b, cite in self.image_lines:
            if name == field and a <= start < b:
                return cite
        return None
