"""The real-text corpus (tests/rules/corpus/real/): violation wording quoted from published
enforcement decisions and regulators' typical-case bulletins, and real lawful texts (approved
drug and health-food wording, registered device and cosmetics listings, ordinary product copy)
as negatives. Every line names its source; see corpus/real/README.md.

The per-family floors below are what the engine scores today. They are floors, not targets:
the target is recall >= 0.85 and precision >= 0.95 on every family (and the held-out quality
bars on the whole corpus, `test_real_corpus_target`); raise a floor whenever the engine
improves, never lower one for the same lines. New lines are scored first on the packs as they
were (unseen), then the floors are set to what the engine scores on the whole corpus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rules.document import Document
from tests.rules.evaluation import evaluate, load_corpus, micro

REAL = Path(__file__).parent / "corpus" / "real"
VIOLATIONS = REAL / "violations.jsonl"
CLEAN = REAL / "clean.jsonl"
#: Violations from outside the mainland (臺北市政府衛生局's penalty tables, Traditional characters),
#: scored on their own so they neither prop up nor drag down the mainland figures.
TAIPEI = REAL / "taipei.jsonl"

MIN_VIOLATIONS = 150
MIN_CLEAN = 100

#: Lines are excerpts of claims, clauses and listings, never a whole page: whether the page
#: showed its licences is unknown, so the licence families are not judged on this corpus.
UNJUDGED = frozenset({"licence.missing", "licence.invalid", "licence.qualification"})

#: Partial dates are allowed: many bulletins give only a year or a month.
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

#: (recall floor, precision floor) per family, measured on the current engine.
FLOORS: dict[str, tuple[float, float]] = {
    "ad.absolute": (0.95, 0.95),  # tp=116 fp=5 fn=5 (金牌 as a label, 首次 / 首款 / 第一款 of a treatment or product;
    # 极致 in a filler's product name, 乔雅登极致)
    "ad.drug": (0.90, 0.98),  # tp=263 fp=5 fn=29 (medical-service results, colloquial 药效贼猛; a
    # device's 疏通排毒 in a shop's sales script, its 最先进 read as a device advertisement's claim too)
    "ad.medical_claim": (0.96, 0.98),  # tp=399 fp=8 fn=16
    "clause.auto_renew": (0.80, 1.00),  # tp=4 fp=0 fn=1
    "clause.default_opt_in": (0.84, 1.00),  # tp=11 fp=0 fn=2 (rv_2409: a checked fee option without a price;
    # rv_2791: a 必选 menu category of a delivery shop, which the page text cannot tell from a choice)
    "clause.unfair_format": (0.86, 0.99),  # tp=164 fp=1 fn=26 (older offline clauses: 商品房, 装修, 旅行社;
    # cancellation fees and penalties judged by their amount)
    "consumer.no_return": (1.00, 1.00),  # tp=11 fp=0 fn=0
    "cosmetic.claim": (0.88, 0.96),  # tp=96 fp=4 fn=13 (efficacy beyond the filed ones, 抗老 and 战痘; a
    # beauty device's 溶脂 杀菌 read as a cosmetic's; a 国妆特字 shown on an ordinary cosmetic)
    "drug.prescription": (0.85, 1.00),  # tp=12 fp=0 fn=2 (rv_2602: a semaglutide page sold by 开方买药)
    "marketing.fake": (0.75, 0.88),  # tp=40 fp=5 fn=13 (rv_2870, rv_2920, rv_3088: 秒杀 and 限时特价 on pages
    # the decision judged for their price; a counter of one sale a year, testimonials as comments)
    "price.fake_original": (0.84, 0.96),  # tp=151 fp=5 fn=27 (an adjacent ¥940¥198 in a description)
}

#: Micro-averaged floors over all families, measured on the current engine.
MICRO_FLOOR = (0.90, 0.97)


def _rows(path: Path) -> list[tuple[int, dict]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            rows.append((number, json.loads(line)))
    return rows


@pytest.mark.parametrize("path", [VIOLATIONS, CLEAN, TAIPEI], ids=lambda p: p.stem)
def test_every_line_is_a_valid_sourced_document(ruleset, path: Path):
    seen: set[str] = set()
    for number, row in _rows(path):
        where = f"{path.name}:{number}"
        assert set(row) <= {"doc", "families", "source", "note"}, where
        doc = Document.model_validate(row["doc"])
        assert doc.id not in seen, f"{where}: duplicate id {doc.id}"
        seen.add(doc.id)
        assert any(text.strip() for text in doc.fields.values()), f"{where}: no text"
        families = row["families"]
        assert len(set(families)) == len(families), where
        assert set(families) <= ruleset.families, f"{where}: unknown family in {families}"
        if path != CLEAN:
            assert families, f"{where}: a violation names at least one family"
        else:
            assert families == [], f"{where}: a clean text has no family"
        source = row["source"]
        assert set(source) == {"publisher", "date", "title", "ref"}, where
        for key in ("publisher", "title", "ref"):
            assert isinstance(source[key], str) and source[key].strip(), f"{where}: source.{key}"
        assert DATE.match(source["date"]), f"{where}: source.date {source['date']!r}"


def test_corpus_size():
    assert len(_rows(VIOLATIONS)) >= MIN_VIOLATIONS
    assert len(_rows(CLEAN)) >= MIN_CLEAN


def test_ids_are_unique_across_the_files():
    ids = [row["doc"]["id"] for path in (VIOLATIONS, CLEAN, TAIPEI) for _, row in _rows(path)]
    assert len(ids) == len(set(ids))


def _judged_scores(ruleset, paths: tuple[Path, ...] = (VIOLATIONS, CLEAN)):
    scores, mismatches = evaluate(ruleset, load_corpus(paths))
    scores = {family: score for family, score in scores.items() if family not in UNJUDGED}
    report = "\n".join(line for line in mismatches if line.split()[1] not in UNJUDGED)
    return scores, report


def test_licence_families_are_not_labelled():
    for path in (VIOLATIONS, CLEAN, TAIPEI):
        for number, row in _rows(path):
            assert not set(row["families"]) & UNJUDGED, f"{path.name}:{number}"


def test_real_corpus_keeps_its_floors(ruleset):
    scores, report = _judged_scores(ruleset)
    for family, (recall_floor, precision_floor) in FLOORS.items():
        score = scores[family]
        assert score.recall >= recall_floor - 1e-9, f"{family} recall {score}\n{report}"
        assert score.precision >= precision_floor - 1e-9, f"{family} precision {score}\n{report}"
    total = micro(scores)
    assert total.recall >= MICRO_FLOOR[0] - 1e-9, f"micro recall {total}\n{report}"
    assert total.precision >= MICRO_FLOOR[1] - 1e-9, f"micro precision {total}\n{report}"


#: The Taipei lines: micro (recall, precision) floors, measured on the current engine
#: (tp=181 fp=2 fn=56: 健康食品 assertions and food wording Taiwan's rules forbid and the packs do not read).
TAIPEI_FLOOR = (0.75, 0.98)


def test_taipei_lines_keep_their_floors(ruleset):
    scores, report = _judged_scores(ruleset, (TAIPEI,))
    total = micro(scores)
    assert total.recall >= TAIPEI_FLOOR[0] - 1e-9, f"micro recall {total}\n{report}"
    assert total.precision >= TAIPEI_FLOOR[1] - 1e-9, f"micro precision {total}\n{report}"


@pytest.mark.xfail(
    strict=True,
    reason="known gap: marketing.fake recall 0.75 (platform sales counters need the order history,"
    " fake comments their authors, sales ranks are labelled absolute terms) and precision 0.89"
    " (限时 and 秒杀 claims on pages whose decision judged only the reference price),"
    " clause.auto_renew recall 0.80 (a price list of cards, 月卡69元 季卡199元, is all one line shows),"
    " clause.default_opt_in recall 0.846 (a checked option without its price, a 必选 menu category),"
    " drug.banned_online precision 0 (three lines whose decisions judged an advertisement, not the sale);"
    " the micro figures (precision 0.972, recall 0.904) meet the bar",
)
def test_real_corpus_target(ruleset):
    scores, report = _judged_scores(ruleset)
    for family, score in scores.items():
        if score.tp + score.fn:
            assert score.recall >= 0.85, f"{family}: {score}\n{report}"
        if score.tp + score.fp:
            assert score.precision >= 0.95, f"{family}: {score}\n{report}"
    total = micro(scores)
    assert total.precision >= 0.95 and total.recall >= 0.90, f"micro {total}\n{report}"
