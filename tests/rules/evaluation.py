"""Document-level precision / recall / F1 per family over a labelled corpus."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rules import RuleSet
from rules.document import Document


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_corpus(paths: Iterable[Path]) -> list[tuple[Document, set[str]]]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append((Document.model_validate(row["doc"]), set(row["families"])))
    return out


def evaluate(rs: RuleSet, corpus: list[tuple[Document, set[str]]]) -> tuple[dict[str, Score], list[str]]:
    """(score per family, mismatch descriptions)."""
    scores = {f: Score() for f in rs.families}
    mismatches: list[str] = []
    for doc, expected in corpus:
        found = {h.family for h in rs.scan(doc)}
        for family in found | expected:
            s = scores.setdefault(family, Score())
            if family in found and family in expected:
                s.tp += 1
            elif family in found:
                s.fp += 1
                mismatches.append(f"FP {family} {doc.id} {doc.fields}")
            else:
                s.fn += 1
                mismatches.append(f"FN {family} {doc.id} {doc.fields}")
    return scores, mismatches


def micro(scores: dict[str, Score]) -> Score:
    total = Score()
    for s in scores.values():
        total.tp += s.tp
        total.fp += s.fp
        total.fn += s.fn
    return total


def assert_quality_bars(rs: RuleSet, corpus: list[tuple[Document, set[str]]], floors: dict[str, float] | None = None):
    """The issue's bars: micro precision ≥ 0.95, recall ≥ 0.90, every family F1 ≥ 0.80, or
    ≥ its floor in `floors` for a stated known gap."""
    scores, mismatches = evaluate(rs, corpus)
    total = micro(scores)
    report = "\n".join(mismatches)
    assert total.precision >= 0.95, report
    assert total.recall >= 0.90, report
    for family, score in scores.items():
        bar = min(0.80, (floors or {}).get(family, 0.80))
        assert score.f1 >= bar - 1e-9, f"{family}: {score}\n{report}"
