"""Quality bars on the held-out corpus, written from domain-rules.md independently of the packs."""

from pathlib import Path

from tests.rules.evaluation import evaluate, load_corpus, micro

HELDOUT = Path(__file__).parent / "corpus" / "heldout.jsonl"


def test_heldout_quality_bars(ruleset):
    corpus = load_corpus([HELDOUT])
    assert len(corpus) >= 150
    scores, mismatches = evaluate(ruleset, corpus)
    total = micro(scores)
    report = "\n".join(mismatches)
    assert total.precision >= 0.95, report
    assert total.recall >= 0.90, report
    for family, score in scores.items():
        assert score.f1 >= 0.80, f"{family}: {score}\n{report}"


def test_heldout_covers_every_family_and_its_traps(ruleset):
    corpus = load_corpus([HELDOUT])
    for family in ruleset.families:
        assert sum(family in labels for _, labels in corpus) >= 5, family
    assert sum(not labels for _, labels in corpus) >= 50
