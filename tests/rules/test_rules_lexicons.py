"""Lexicons (rules/lexicons/), their use by packs, category inference and category-conditional claims."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from rules import PackError, load_ruleset
from rules.document import Document
from rules.explain import explain
from rules.lexicon import SHIPPED_DIR, expand_pattern, load_lexicons
from rules.loader import load_packs

PACKS = Path(__file__).resolve().parents[2] / "rules" / "packs"


def families(rs, **doc) -> set[str]:
    return {h.family for h in rs.scan(Document(id="t", **doc))}


def test_every_lexicon_names_its_sources_and_selection():
    lexicons = load_lexicons(PACKS)
    assert {"disease-names", "health-food-functions", "ad-health-prohibitions", "cosmetic-claims"} <= set(lexicons)
    for lex in lexicons.values():
        assert lex.meta.selection.strip()
        for source in lex.meta.sources:
            assert source.publisher and source.ref and source.licence
            assert source.retrieved[:4].isdigit() and source.date[:4].isdigit()


def test_health_food_catalogue_has_the_24_functions_of_2023():
    lex = load_lexicons(PACKS)["health-food-functions"]
    assert len([e for e in lex.entries if e.group == "function"]) == 24
    assert {"促进泌乳", "改善生长发育", "改善皮肤油份"} == {e.term for e in lex.entries if e.group == "withdrawn"}


def test_every_shipped_lexicon_is_used_by_a_pack_or_the_category_signals(ruleset):
    used = {lex for r in ruleset.rules for lex in r.lexicons} | set(ruleset.categories.lexicons)
    assert used == {p.stem for p in SHIPPED_DIR.glob("*.yaml")}


def test_pattern_reference_becomes_an_alternation_longest_first():
    lexicons = load_lexicons(PACKS)
    used: set[str] = set()
    regex = expand_pattern("改善{lexicon:disease-names/symptom}", lexicons, used)
    assert used == {"disease-names"}
    assert regex.startswith("改善(?:") and "头痛" in regex and "肺结节" not in regex


def test_unknown_lexicon_or_group_names_file_line_and_rule(tmp_path: Path):
    packs = tmp_path / "packs"
    shutil.copytree(PACKS, packs)
    path = packs / "ad-health-claims.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{lexicon:disease-names}", "{lexicon:disease-nams}", 1), encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_packs(packs)
    assert "ad-health-claims.yaml:" in str(err.value) and "unknown lexicon 'disease-nams'" in str(err.value)
    path.write_text(text.replace("{lexicon:disease-names}", "{lexicon:disease-names/organ}", 1), encoding="utf-8")
    with pytest.raises(PackError, match="no group 'organ'"):
        load_packs(packs)


def test_a_packs_folder_can_bring_its_own_lexicon(tmp_path: Path):
    packs = tmp_path / "packs"
    shutil.copytree(PACKS, packs)
    own = packs / "lexicons"
    own.mkdir()
    data = yaml.safe_load((SHIPPED_DIR / "unfair-clauses.yaml").read_text(encoding="utf-8"))
    data["entries"][1]["variants"].append("赔偿另议")
    (own / "unfair-clauses.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rs = load_ruleset(packs)
    assert "clause.unfair_format" in families(rs, fields={"terms": "运输途中破损，赔偿另议"})


def test_explain_names_the_lexicon_entry_and_its_source(ruleset):
    out = explain(ruleset, Document(id="e", category="食品", fields={"description": "罗汉果茶 缓解咽炎"}))
    assert "AD-MED-002" in out
    assert "lexicon disease-names: 咽炎 (J02)" in out
    assert "GB/T 14396-2016" in out


# -- category inference ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "category", "evidence"),
    [
        ({"title": "感冒灵颗粒", "description": "批准文号：国药准字Z44021940"}, "药品", "药品批准文号"),
        ({"title": "鱼油软胶囊", "description": "国食健注G20150123"}, "保健食品", "保健食品批准或备案号"),
        ({"title": "电子血压计", "description": "粤械注准20192070001"}, "医疗器械", "医疗器械注册证编号"),
        ({"title": "布洛芬缓释胶囊 OTC"}, "药品", "药品分类管理标识"),
        ({"title": "罗汉果胖大海菊花茶"}, "食品", "商品名称"),
        ({"title": "烟酰胺精华液"}, "化妆品", "商品名称"),
        ({"title": "金莲花口服液"}, None, None),
        ({"title": "氯雷他定片 10mg*6片"}, "药品", "商品名称（药品通用名）"),
        ({"title": "神度他达拉非片"}, "药品", "商品名称（处方药通用名）"),
        ({"title": "999感冒灵", "description": "功能主治：解热镇痛。用于感冒引起的头痛。"}, "药品", "药品说明书用语"),
        ({"title": "罗汉果茶", "description": "功能主治：清热润肺"}, "食品", "商品名称"),
        ({"title": "板蓝根颗粒 10g*20袋"}, "药品", "商品名称（非处方药名称）"),
        ({"title": "芬必得 布洛芬缓释胶囊"}, "药品", "商品名称（药品通用名）"),
        ({"title": "斯达舒 20粒"}, "药品", "商品名称（非处方药名称）"),
        ({"title": "板蓝根颗粒 固体饮料"}, "食品", "商品名称"),
    ],
)
def test_category_is_read_from_the_page(ruleset, fields, category, evidence):
    guess = ruleset.categorise(Document(id="c", fields=fields))
    assert (guess.name, guess.evidence) == (category, evidence)
    if category:
        assert guess.source == "inferred" and guess.term and guess.term in fields[guess.field]


def test_every_category_signal_is_gated_by_the_keyword_automaton(ruleset):
    # an ungated signal's regex would run on every document whose category is unknown
    assert all(signal.gate is not None for signal in ruleset.categories.signals)


def test_a_given_category_stands_and_a_generic_one_yields_only_to_a_registration(ruleset):
    tea = {"title": "菊花茶", "description": "国药准字Z123"}
    assert ruleset.categorise(Document(id="c", category="食品", fields=tea)).name == "食品"
    assert ruleset.categorise(Document(id="c", category="普通商品", fields=tea)).name == "药品"
    assert ruleset.categorise(Document(id="c", category="普通商品", fields={"title": "菊花茶"})).name == "普通商品"


def test_a_function_claim_is_lawful_on_a_health_food_and_unlawful_on_an_ordinary_food(ruleset):
    claim = "有助于增强免疫力"
    assert "ad.medical_claim" not in families(ruleset, fields={"title": "蛋白粉 蓝帽子", "description": claim})
    assert "ad.medical_claim" in families(ruleset, fields={"title": "益生菌固体饮料", "description": claim})
    assert "ad.medical_claim" in families(ruleset, category="食品", fields={"description": claim})


def test_an_indication_is_lawful_on_an_otc_page_and_a_disease_claim_unlawful_on_a_tea(ruleset):
    text = "用于缓解咽炎、咽喉肿痛"
    assert not families(ruleset, fields={"title": "清咽片 OTC 国药准字Z20000001", "description": text})
    assert "ad.medical_claim" in families(ruleset, fields={"title": "胖大海菊花茶", "description": text})


def test_an_otc_indication_without_a_number_is_read_as_a_drug_page(ruleset):
    # the indication as the OTC label states it, with no approval number on the excerpt
    text = "用于缓解轻至中度疼痛如头痛、关节痛、偏头痛、牙痛、肌肉痛、神经痛、痛经。"
    assert not families(ruleset, fields={"title": "布洛芬缓释胶囊", "description": text})
    label = "解表化湿，理气和中。用于外感风寒、内伤湿滞所致的感冒，症见头痛昏重；胃肠型感冒见上述证候者。"
    assert not families(ruleset, fields={"title": "藿香正气", "description": label})


FENGHAN = "解表发汗，疏风散寒。用于风寒感冒，发热，头痛，恶寒，无汗，咳嗽，鼻塞，流清涕。"
THROAT = "清热解毒，用于咽喉肿痛"


@pytest.mark.parametrize(
    ("category", "title", "description", "expected"),
    [
        # 中成药 indications as the OTC label words them, without a number or a label heading
        (None, "风寒感冒颗粒", FENGHAN, set()),
        (None, "八珍益母丸", "用于妇女气血不足之月经不调，痛经", set()),
        # a tea or a drink named like the drug keeps the category it came with or its food name
        ("食品", "板蓝根颗粒", THROAT, {"ad.medical_claim"}),
        (None, "板蓝根颗粒 固体饮料", THROAT, {"ad.medical_claim"}),
        (None, "板蓝根 冲饮", THROAT, {"ad.medical_claim"}),
        # a 保健食品 label's population and caution fields are not claims; shorthand outside them is
        (None, "破壁灵芝孢子粉", "保健功能：增强免疫力\n适宜人群：免疫力低下者\n不适宜人群：少年儿童", set()),
        (None, "辅酶Q10", "注意事项：服用治疗药物的人群食用本品时应向医生咨询", set()),
        (None, "负离子手环", "适宜人群：免疫力低下者。佩戴可提高免疫力", {"ad.medical_claim"}),
        # proof by clinical use or by case counts is an endorsement on drug and health-food pages
        ("药品", "颈腰康胶囊", "经3000例临床验证，疗效确切", {"ad.drug"}),
        (None, "六味地黄丸", "上千例患者证明有效", {"ad.drug"}),
        ("保健食品", "鱼油软胶囊", "经临床证实，服用后血脂下降", {"ad.drug"}),
        ("药品", "颈腰康胶囊", "本品未经临床验证", set()),
        ("药品", "布洛芬片", "【临床试验】本品共入组300例患者", set()),
    ],
)
def test_drug_and_health_food_pages_read_by_name_and_label(ruleset, category, title, description, expected):
    assert families(ruleset, category=category, fields={"title": title, "description": description}) == expected


def test_approved_function_wording_is_not_shorthand(ruleset):
    assert not families(ruleset, fields={"title": "蛋白粉", "description": "保健功能：增强免疫力"})
    assert "ad.medical_claim" in families(ruleset, fields={"title": "负离子手环", "description": "提高免疫力"})


def test_warnings_and_negations_are_not_claims(ruleset):
    assert not families(ruleset, category="食品", fields={"description": "不适宜人群：孕妇、高血压患者慎用"})
    assert not families(ruleset, category="食品", fields={"description": "本品为普通食品，不具有预防近视功能"})
    assert "ad.drug" not in families(ruleset, category="药品", fields={"description": "本品不保证有效，请遵医嘱"})


def test_the_category_goes_on_the_scan_line_and_the_clue_target(ruleset):
    from store.models import Target, TargetCategory

    hits, guess = ruleset.scan_with_category(Document(id="c", fields={"title": "苦荞茶", "description": "降血糖"}))
    assert hits and guess.name == "食品" and guess.term == "苦荞茶"
    assert set(TargetCategory.model_fields) == set(type(guess).model_fields)
    category = TargetCategory.model_validate(guess.model_dump())
    target = Target(kind="product", platform="p", url="http://127.0.0.1/x", category=category)
    assert target.model_dump()["category"]["evidence"] == "商品名称"


# -- licence display ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "shop_info",
    [
        "营业执照：无",
        "营业执照：暂无",
        "统一社会信用代码：暂无，营业执照待补充",
        "统一社会信用代码：914403001922038216 企业名称：某某公司",
    ],
)
def test_empty_or_incomplete_licence_display_is_missing(ruleset, shop_info):
    assert "licence.missing" in families(ruleset, kind="shop", fields={"shop_info": shop_info})


def test_full_width_uscc_passes_the_check_digit(ruleset):
    full = "９１４４０３００１９２２０３８２１６"
    shop = "统一社会信用代码：" + full + " 类型：有限责任公司 法定代表人：赵明路 住所：深圳市龙岗区"
    assert not families(ruleset, kind="shop", attributes={"uscc": full}, fields={"shop_info": shop})
    assert "licence.invalid" in families(ruleset, kind="shop", attributes={"uscc": full[:-1] + "７"})


# -- compiled cache ----------------------------------------------------------------------


def test_compiled_packs_are_cached_by_content(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("WANGJIAN_RULES_CACHE", str(tmp_path / "cache"))
    packs = tmp_path / "packs"
    shutil.copytree(PACKS, packs)
    first = load_ruleset(packs)
    second = load_ruleset(packs)
    assert (first.load_stats["cached"], second.load_stats["cached"]) == (False, True)
    assert [r.id for r in first.rules] == [r.id for r in second.rules]
    path = packs / "ad-absolute-terms.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("version: 1.", "version: 9.", 1), encoding="utf-8")
    third = load_ruleset(packs)
    assert third.load_stats["cached"] is False
    assert any(p.id == "ad-absolute-terms" and p.version.startswith("9.") for p in third.packs)
