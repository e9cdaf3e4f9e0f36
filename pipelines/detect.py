"""Stage 3: run the rule packs over the item's Document."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from pipelines.envelope import Envelope
from rules import RuleSet, load_ruleset


@functools.cache
def shared_ruleset(packs_dir: str = "") -> RuleSet:
    """One compiled rule set per process and packs directory: compiling the automaton and
    loading jieba are the expensive parts, scanning is cheap."""
    return load_ruleset(Path(packs_dir)) if packs_dir else load_ruleset()


class DetectPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.ruleset = shared_ruleset(crawler.settings.get("RULE_PACKS_DIR") or "")

    @classmethod
    def from_crawler(cls, crawler: Any) -> DetectPipeline:
        return cls(crawler)

    def process_item(self, envelope: Envelope) -> Envelope:
        envelope.hits = self.ruleset.scan(envelope.document)
        stats = self.crawler.stats
        for hit in envelope.hits:
            stats.inc_value(f"wangjian/hits/{hit.family}")
        return envelope
