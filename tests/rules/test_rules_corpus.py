"""Document-level quality bars on the labelled corpus (tests/rules/corpus/*.jsonl)."""

from pathlib import Path

from tests.rules.evaluation import assert_quality_bars, load_corpus

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.jsonl"))


def test_corpus_quality_bars(ruleset):
    corpus = load_corpus(CORPUS)
    assert len(corpus) > 150
    assert_quality_bars(ruleset, corpus)


def test_corpus_has_positives_and_negatives_for_every_family(ruleset):
    corpus = load_corpus(CORPUS)
    for family in ruleset.families:
        assert sum(family in labels for _, labels in corpus) >= 3, family
    assert sum(not labels for _, labels in corpus) >= 50
