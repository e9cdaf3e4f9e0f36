"""Quality bars on the held-out corpora, each written from the legal rules (docs/domain.md) independently of
the packs (heldout2, heldout3 and heldout4 by authors who never read them; heldout3 in the
style of long crawled pages with evasive spellings, heldout4 probing 两品一械, licences,
checkout options and prices)."""

from pathlib import Path

import pytest

from tests.rules.evaluation import assert_quality_bars, load_corpus

CORPORA = Path(__file__).parent / "corpus"
HELDOUT = [CORPORA / f"{name}.jsonl" for name in ("heldout", "heldout2", "heldout3", "heldout4")]


#: Families below the F1 bar on one corpus, with why and the floor they must keep: the gap
#: is known and stated (also in the closing notes), and it can only get better.
KNOWN_GAPS: dict[tuple[str, str], float] = {}


@pytest.mark.parametrize("path", HELDOUT, ids=lambda p: p.stem)
def test_heldout_quality_bars(ruleset, path: Path):
    corpus = load_corpus([path])
    assert len(corpus) >= 150
    floors = {family: f1 for (stem, family), f1 in KNOWN_GAPS.items() if stem == path.stem}
    assert_quality_bars(ruleset, corpus, floors)


@pytest.mark.parametrize("path", HELDOUT, ids=lambda p: p.stem)
def test_heldout_covers_every_family_and_its_traps(ruleset, path: Path):
    corpus = load_corpus([path])
    # Held-out texts are page text: families only pictures read by OCR can show are not in them.
    text_families = {r.family for r in ruleset.rules if "ocr" not in r.requires}
    for family in text_families:
        assert sum(family in labels for _, labels in corpus) >= 5, family
    assert sum(not labels for _, labels in corpus) >= 50
