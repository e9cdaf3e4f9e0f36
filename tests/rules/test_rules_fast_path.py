"""The untraced scan (`RuleSet._scan_fast`, in stages) against the traced scan, the reference.

Without a trace, `RuleSet.scan` locates automaton matches on flat per-pattern tuples and
evaluates each shared `when` once per document; with one, it reports every decision. Both
must give the same hits, in the same order, and the same category, on every document of the
labelled and real corpora, once as written and once with the category left to inference.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules import RuleSet, engine
from rules.document import Document
from rules.hit import Hit
from rules.matcher import char_offsets

CORPORA = Path(__file__).parent / "corpus"
FILES = sorted(CORPORA.glob("*.jsonl")) + sorted((CORPORA / "real").glob("*.jsonl"))

#: Texts the fast path treats specially: pinyin annotations, the field separator, empty
#: fields, noise inside terms, traditional spellings, a field no rule searches.
EXTRA = [
    {"title": "國(guó)家(jiā)級(jí)产品", "description": "绿(lǜ)色 最(zuì)佳"},
    {"title": "最\x00佳产品", "description": "国家级"},
    {"title": "", "description": "最*佳 銷量第一 ＮＯ．１", "promo": ""},
    {"title": "处方药 阿莫西林胶囊", "description": "國藥準字H20000000 用法用量"},
    {"shop_info": "全场最低价", "unknown_field": "最佳"},
]


def _documents() -> list[Document]:
    docs = []
    for path in FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                docs.append(Document.model_validate(json.loads(line)["doc"]))
    docs += [Document(id=f"extra{i}", fields=fields) for i, fields in enumerate(EXTRA)]
    return docs + [d.model_copy(update={"id": d.id + "-inferred", "category": None}) for d in docs]


DOCUMENTS = _documents()


def test_the_corpora_are_large_enough() -> None:
    assert len(DOCUMENTS) > 1000


def _traced(ruleset: RuleSet, doc: Document) -> tuple[list[dict], dict]:
    hits, guess = ruleset.scan_with_category(doc, trace=lambda *_: None)
    return [h.model_dump() for h in hits], guess.as_dict()


def _fast(ruleset: RuleSet, doc: Document) -> tuple[list[dict], dict]:
    hits, guess = ruleset.scan_with_category(doc)
    return [h.model_dump() for h in hits], guess.as_dict()


def test_fast_and_traced_scans_give_the_same_hits(ruleset: RuleSet, path: str) -> None:
    """With the compiled normaliser and locate stage, then with the Python ones."""
    different = [d.id for d in DOCUMENTS if _fast(ruleset, d) != _traced(ruleset, d)]
    assert not different, different[:20]


def test_compiled_and_python_locate_agree(ruleset: RuleSet) -> None:
    compiled = engine._compiled_locate()
    assert compiled is not None, "rules._fastnorm is not built"
    tables = (ruleset._pattern_gates, ruleset._pattern_keywords, ruleset._pattern_anchors)
    located = 0
    for doc in DOCUMENTS:
        names, fields = ruleset.stage_normalise(doc)
        if fields is None:
            continue
        found = ruleset.stage_automaton(fields)
        expected = ruleset._locate_python(char_offsets(fields.utf8, found), fields, names)
        assert compiled(found, fields.utf8, fields.starts, *tables, names) == expected, doc.id
        located += bool(found)
    assert located > 1000


def test_compiled_locate_refuses_bad_input(ruleset: RuleSet) -> None:
    compiled = engine._compiled_locate()
    assert compiled is not None, "rules._fastnorm is not built"
    tables = (ruleset._pattern_gates, ruleset._pattern_keywords, ruleset._pattern_anchors)
    with pytest.raises(IndexError):
        compiled([(len(tables[0]), 0, 1)], b"xy", [0], *tables, ["title"])
    with pytest.raises(IndexError):
        compiled([(0, 0, 3)], b"xy", [0], *tables, ["title"])  # past the end of the text
    with pytest.raises(TypeError):
        compiled([(0, 1)], b"xy", [0], *tables, ["title"])
    with pytest.raises(TypeError):
        compiled([], "xy", [0], *tables, ["title"])  # the text as bytes
    with pytest.raises(ValueError):
        compiled([], b"xy", [0, 5], *tables, ["title"])


def test_offsets_count_characters_of_every_width(ruleset: RuleSet) -> None:
    """The automaton reads UTF-8; hits still point at characters, around astral characters,
    Latin letters, Chinese and emoji alike."""
    doc = Document(
        id="widths",
        fields={"title": "𝐀𝐁最佳 no.1 é全网最低价", "description": "ascii 最好 😀国家级🎉销量第一"},
    )
    assert _fast(ruleset, doc) == _traced(ruleset, doc)
    hits = ruleset.scan(doc)
    assert len(hits) >= 3
    assert all(doc.fields[h.field][h.start : h.end] == h.term for h in hits)


def test_the_comparison_sees_hits(ruleset: RuleSet) -> None:
    """The corpora give the fast path work: many documents with hits, in several fields."""
    hits = [h for d in DOCUMENTS for h in ruleset.scan(d)]
    assert len(hits) > 1000
    assert len({h.field for h in hits}) >= 3
    assert len({h.rule_id for h in hits}) >= 30


@pytest.mark.parametrize("doc", [Document(id="x", fields={"title": t}) for t in ("最佳", "大麻烦", "国家级")])
def test_stages_compose_to_scan(ruleset: RuleSet, doc: Document) -> None:
    names, fields = ruleset.stage_normalise(doc)
    assert fields is not None
    located = ruleset.stage_locate(ruleset.stage_automaton(fields), fields, names)
    hits, guess = ruleset.stage_judge(doc, names, fields, located, [])
    assert (hits, guess) == ruleset.scan_with_category(doc)


def test_hits_are_whole_models(ruleset: RuleSet) -> None:
    """Keyword hits are built without validation: each equals its validated copy, field for
    field, serialises the same and copies like one."""
    hits = [h for d in DOCUMENTS[:300] for h in ruleset.scan(d) if h.start is not None]
    assert hits
    for hit in hits:
        validated = Hit(**hit.model_dump())
        assert hit == validated
        assert hit.model_fields_set == validated.model_fields_set
        assert hit.model_dump_json() == validated.model_dump_json()
        assert hit.model_copy(update={"severity": "S1"}).severity == "S1"
