"""The check-kind registry: a kind registered from outside the engine is accepted by the pack
model, validated by the loader, described by the pack schema and run by the engine; nothing
else needs to know it."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Literal

import pytest

from rules import PackError, load_ruleset
from rules.checks import CHECK_KINDS, Check, register_check, unregister_check
from rules.document import Attributes, Document
from rules.examples import run_examples
from rules.schema import pack_schema, schema_text


@pytest.fixture()
def toy() -> Iterator[ModuleType]:
    """The module of the toy kind, its kind unregistered (importing it registers it)."""
    module = importlib.import_module("tests.e2e.toy_check")
    unregister_check("price_floor")
    yield module
    unregister_check("price_floor")


@pytest.fixture()
def price_floor(toy: ModuleType) -> type[Check]:
    return register_check(toy.PriceFloorCheck)


def _pack_dir(tmp_path: Path, text: str) -> Path:
    (tmp_path / "toy.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_shipped_kinds_are_registered() -> None:
    assert {"option", "penalty", "price", "uscc"} <= set(CHECK_KINDS)


def test_a_registered_kind_scans_and_passes_its_examples(toy: ModuleType, price_floor: object, tmp_path: Path) -> None:
    rs = load_ruleset(_pack_dir(tmp_path, toy.pack_text(50)))
    cheap = Document(id="p1", attributes=Attributes(price=12.5))
    dear = Document(id="p2", attributes=Attributes(price=88))
    hits = rs.scan(cheap)
    assert [(h.rule_id, h.family, h.field, h.term) for h in hits] == [
        ("TOY-PRICE-001", "toy.price_floor", "attributes", "售价12.5")
    ]
    assert rs.scan(dear) == []
    assert rs.scan(Document(id="p3")) == []  # no price: the check has no input
    assert all(r.ok for r in run_examples(rs))


def test_the_pack_schema_derives_from_the_registry(price_floor: type[Check]) -> None:
    kinds = pack_schema()["$defs"]["Rule"]["properties"]["check"]["anyOf"][0]["discriminator"]["mapping"]
    assert "price_floor" in kinds
    assert pack_schema()["$defs"]["PriceFloorCheck"]["properties"]["below"]["exclusiveMinimum"] == 0


def test_an_unregistered_kind_is_refused_with_its_line(toy: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(PackError) as err:
        load_ruleset(_pack_dir(tmp_path, toy.pack_text(50)))
    assert err.value.line == 10 and err.value.rule_id == "TOY-PRICE-001"
    assert "price_floor" in str(err.value) and "toy.yaml:10" in str(err.value)


def test_bad_values_of_a_kind_name_the_line(toy: ModuleType, price_floor: type[Check], tmp_path: Path) -> None:
    with pytest.raises(PackError) as err:
        load_ruleset(_pack_dir(tmp_path, toy.pack_text(-3)))
    assert err.value.line == 10 and "greater than 0" in str(err.value)


def test_a_regex_field_of_a_kind_is_compiled_by_the_loader(toy: ModuleType, tmp_path: Path) -> None:
    text = toy.pack_text(50).replace("kind: price_floor, below: 50", "kind: price, explanation: '('")
    with pytest.raises(PackError) as err:
        load_ruleset(_pack_dir(tmp_path, text))
    assert err.value.line == 10 and "bad regex" in str(err.value)


def test_unregistering_restores_the_shipped_schema(price_floor: type[Check]) -> None:
    unregister_check("price_floor")
    assert schema_text() == (Path(__file__).resolve().parents[2] / "rules" / "pack.schema.json").read_text("utf-8")


def test_a_kind_name_is_registered_once() -> None:
    class Other(Check):
        kind: Literal["uscc"]

    with pytest.raises(ValueError, match="already registered"):
        register_check(Other)


def test_a_penalty_finding_quotes_the_customers_rate_in_the_original_text(ruleset) -> None:
    """The clause's own text is read (normalisation drops the marks between clauses): the
    finding points at the rate the customer is charged, the operator's rate beside it."""
    terms = "第九条 违约责任：若旅行社违约，需承担10~15%的违约金；若消费者违约，则要承担50～60％的违约金。"
    hits = [h for h in ruleset.scan(Document(id="t1", fields={"terms": terms})) if h.rule_id == "CONS-TERM-015"]
    assert [h.term for h in hits] == ["消费者60% 经营者15%"]
    assert terms[hits[0].start : hits[0].end] == "50～60％"
    equal = "旅行社违约的，按团费的20%支付违约金；游客违约的，按团费的30%支付违约金。"
    assert not [h for h in ruleset.scan(Document(id="t2", fields={"terms": equal})) if h.rule_id == "CONS-TERM-015"]
