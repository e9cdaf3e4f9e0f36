"""Quality bars on the held-out corpora, each written from domain-rules.md independently of
the packs (heldout2 and heldout3 by authors who never read them; heldout3 in the style of
long crawled pages with evasive spellings)."""

from pathlib import Path

import pytest

from tests.rules.evaluation import evaluate, load_corpus, micro

CORPORA = Path(__file__).parent / "corpus"
HELDOUT = [CORPORA / "heldout.jsonl", CORPORA / "heldout2.jsonl", CORPORA / "heldout3.jsonl"]


@pytest.mark.parametrize("path", HELDOUT, ids=lambda p: p.stem)
def test_heldout_quality_bars(ruleset, path: Path):
    corpus = load_corpus([path])
    assert len(corpus) >= 150
    scores, mismatches = evaluate(ruleset, corpus)
    total = micro(scores)
    report = "\n".join(mismatches)
    assert total.precision >= 0.95, report
    assert total.recall >= 0.90, report
    for family, score in scores.items():
        assert score.f1 >= 0.80, f"{family}: {score}\n{report}"


@pytest.mark.parametrize("path", HELDOUT, ids=lambda p: p.stem)
def test_heldout_covers_every_family_and_its_traps(ruleset, path: Path):
    corpus = load_corpus([path])
    for family in ruleset.families:
        assert sum(family in labels for _, labels in corpus) >= 5, family
    assert sum(not labels for _, labels in corpus) >= 50
