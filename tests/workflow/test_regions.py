from __future__ import annotations

import pytest

from store.regions import divisions, lookup, region_for, region_from_address, region_label
from tests.workflow.scenario import uscc


def test_uscc_positions_3_to_8_give_province_city_county() -> None:
    region = region_for(uscc("510903", "MA62Q8XK3"), None)
    assert region is not None
    assert (region.code, region.province, region.city, region.county) == ("510903", "四川省", "遂宁市", "船山区")


def test_a_code_abolished_since_issue_still_routes_to_its_county() -> None:
    # 射洪县 (510922) became 射洪市 (510981) in 2019; licences issued before carry the old code.
    old, new = lookup("510922"), lookup("510981")
    assert old is not None and new is not None
    assert (old.city, old.county, new.county) == ("遂宁市", "射洪县", "射洪市")
    assert divisions()["510981"].current and not divisions()["510922"].current


def test_unknown_county_code_falls_back_to_city_then_province() -> None:
    city = lookup("510999")
    assert city is not None and (city.code, city.city, city.county) == ("510900", "遂宁市", None)
    province = lookup("519999")
    assert province is not None and (province.code, province.province, province.city) == ("510000", "四川省", None)
    assert lookup("000000") is None


def test_municipality_districts_carry_the_city_and_label_without_repeats() -> None:
    region = lookup("110105")
    assert region is not None and (region.province, region.city, region.county) == ("北京市", "北京市", "朝阳区")
    assert region_label(region) == "北京市 朝阳区"
    assert region_label(None) == "未分配"


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("四川省成都市武侯区科华北路65号", "510107"),
        ("浙江杭州西湖区文三路90号", "330106"),
        ("北京市朝阳区建国路1号", "110105"),
        ("辽宁省朝阳市双塔区新华路", "211302"),
        ("遂宁市船山区明月路", "510903"),
        ("广东省东莞市长安镇", "441900"),
        ("湖北省仙桃市干河街道", "429004"),
    ],
)
def test_region_from_shop_address(address: str, code: str) -> None:
    region = region_from_address(address)
    assert region is not None and region.code == code


def test_ambiguous_or_placeless_address_stays_unassigned() -> None:
    assert region_from_address("朝阳区建国路1号") is None  # Beijing and Changchun both have one
    assert region_from_address("幸福路8号2单元") is None
    assert region_for(None, None) is None


def test_uscc_wins_over_address_and_a_malformed_uscc_falls_back_to_address() -> None:
    region = region_for(uscc("330106", "MA2H7Y0P1"), "四川省成都市武侯区")
    assert region is not None and region.code == "330106"
    fallback = region_for("9151-0903-bad", "四川省成都市武侯区")
    assert fallback is not None and fallback.code == "510107"


def test_table_covers_every_province_level_division() -> None:
    table = divisions()
    provinces = {d.province for d in table.values() if d.code.endswith("0000")}
    assert len(provinces) == 34  # 23 provinces, 5 autonomous regions, 4 municipalities, 2 SARs
    current_counties = [d for d in table.values() if d.current and d.county]
    assert len(current_counties) > 2800
    for d in table.values():
        assert d.code[:2] + "0000" in table, d
        assert d.province == table[d.code[:2] + "0000"].province


def test_the_clue_stage_puts_the_region_on_shop_targets() -> None:
    from crawler.items import ShopItem
    from pipelines.clues import target_of
    from pipelines.envelope import Envelope
    from rules.document import Document

    def target(**shop: str):  # type: ignore[no-untyped-def]
        item = ShopItem(platform="yunmall", shop_id="s1", url="http://127.0.0.1/shop/s1", **shop)
        return target_of(Envelope(item=item, document=Document(id="yunmall:s1", kind="shop")))

    assert target(uscc=uscc("510903", "MA62Q8XK3")).region.county == "船山区"
    assert target(address="四川省遂宁市射洪市太和街道").region.code == "510981"
    assert target().region is None
