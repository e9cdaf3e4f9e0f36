"""Stage 3: run the rule packs over the item's Document."""

from __future__ import annotations

import functools
import importlib
from pathlib import Path

from scrapy.crawler import Crawler

from pipelines.envelope import Envelope
from rules import RuleSet, load_ruleset


@functools.cache
def shared_ruleset(packs_dir: str = "") -> RuleSet:
    """One compiled rule set per process and packs directory: compiling the automaton and
    loading jieba are the expensive parts, scanning is cheap."""
    return load_ruleset(Path(packs_dir)) if packs_dir else load_ruleset()


class DetectPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # Check kinds from outside the project register themselves when imported.
        for module in crawler.settings.getlist("RULE_CHECK_MODULES"):
            importlib.import_module(module)
        self.ruleset = shared_ruleset(crawler.settings.get("RULE_PACKS_DIR") or "")
        # A monitoring task may apply only some families or packs (its Annex A 内容).
        self.families = set(crawler.settings.getlist("RULE_FAMILIES"))
        self.packs = set(crawler.settings.getlist("RULE_PACKS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DetectPipeline:
        return cls(crawler)

    def process_item(self, envelope: Envelope) -> Envelope:
        hits = self.ruleset.scan(envelope.document)
        if self.families:
            hits = [h for h in hits if h.family in self.families]
        if self.packs:
            hits = [h for h in hits if self.ruleset.rule(h.rule_id).pack in self.packs]
        envelope.hits = hits
        stats = self.crawler.stats
        assert stats is not None
        for hit in envelope.hits:
            stats.inc_value(f"wangjian/hits/{hit.family}")
        return envelope
