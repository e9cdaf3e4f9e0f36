"""属地 routing: which bureau must act on a clue.

Positions 3–8 of a 统一社会信用代码 are the GB/T 2260 code of the registering authority;
store/data/regions.csv maps codes to province, city and county (see build_regions.py
there for its sources). Without a USCC, the shop address is matched against the names.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from store.models import Region

REGIONS_CSV = Path(__file__).parent / "data" / "regions.csv"
UNASSIGNED = "未分配"

_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}(\d{6})[0-9A-HJ-NPQRTUWXY]{10}$")
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("地区", "盟", "市")


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    province: str
    city: str | None
    county: str | None
    current: bool

    def region(self) -> Region:
        return Region(code=self.code, province=self.province, city=self.city, county=self.county)


@cache
def divisions() -> dict[str, Division]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as fh:
        return {
            row["code"]: Division(
                row["code"], row["province"], row["city"] or None, row["county"] or None, row["current"] == "1"
            )
            for row in csv.DictReader(fh)
        }


def lookup(code: str) -> Region | None:
    """The division of a 6-digit code; a code unknown at county level falls back to its city,
    then its province (a new county still routes to the right city bureau)."""
    table = divisions()
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in table:
            found = table[candidate].region()
            return found.model_copy(update={"code": candidate})
    return None


def region_from_uscc(uscc: str) -> Region | None:
    match = _USCC_RE.match(uscc.strip().upper())
    return lookup(match.group(1)) if match else None


def _short(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _found(address: str, name: str, short: str) -> int:
    """Position of the name, or of its short form (遂宁 for 遂宁市), in the address; -1 if
    absent. A short form directly followed by 区/县/旗 is part of a county name (朝阳区 is
    not 朝阳市) and does not count."""
    pos = address.find(name)
    if pos >= 0 or short == name:
        return pos
    for match in re.finditer(re.escape(short), address):
        if address[match.end() : match.end() + 1] not in ("区", "县", "旗"):
            return match.start()
    return -1


@dataclass(frozen=True, slots=True)
class _AddressIndex:
    provinces: tuple[tuple[str, str], ...]  # (name, short form)
    cities: tuple[tuple[str, str, str], ...]  # (name, short form, province)
    counties: tuple[Division, ...]
    county_counts: dict[str, int]


@cache
def _address_index() -> _AddressIndex:
    current = [d for d in divisions().values() if d.current]
    provinces = sorted({d.province for d in current})
    cities = sorted({(d.city, d.province) for d in current if d.city})
    counties = tuple(d for d in current if d.county)
    counts: dict[str, int] = {}
    for d in counties:
        counts[d.county or ""] = counts.get(d.county or "", 0) + 1
    return _AddressIndex(
        tuple((p, _short(p, _PROVINCE_SUFFIXES)) for p in provinces),
        tuple((c, _short(c, _CITY_SUFFIXES), p) for c, p in cities),
        counties,
        counts,
    )


@lru_cache(maxsize=4096)
def region_from_address(address: str) -> Region | None:
    """Province, city and county named in a postal address, using current divisions only.

    The most specific level that is unambiguous wins: a county name shared by two provinces
    (e.g. 朝阳区) only counts when the address also names its province or city."""
    text = re.sub(r"\s+", "", address)
    index = _address_index()
    provinces = {name for name, short in index.provinces if _found(text, name, short) >= 0}
    cities = {
        name
        for name, short, province in index.cities
        if (not provinces or province in provinces) and _found(text, name, short) >= 0
    }
    counties = [
        d for d in index.counties
        if d.county in text
        and (not provinces or d.province in provinces) and (not cities or d.city in cities or d.city is None)
    ]  # fmt: skip
    if counties:
        longest = max(len(d.county or "") for d in counties)
        counties = [d for d in counties if len(d.county or "") == longest]
        if len(counties) == 1 and (provinces or cities or index.county_counts[counties[0].county or ""] == 1):
            return counties[0].region()
    table = divisions()
    if len(cities) == 1:
        city = next(iter(cities))
        match = [d for d in table.values() if d.current and d.city == city and d.county is None]
        if len(match) == 1:
            return match[0].region()
    if len(provinces) == 1:
        province = next(iter(provinces))
        return next(
            d.region() for d in table.values() if d.province == province and d.city is None and d.county is None
        )
    return None


def region_for(uscc: str | None, address: str | None) -> Region | None:
    """The 属地 of a clue target: from the USCC when it carries a known code, else from the
    address, else None (unassigned)."""
    if uscc:
        region = region_from_uscc(uscc)
        if region is not None:
            return region
    if address:
        found = region_from_address(address)
        return found.model_copy() if found else None  # the cached one stays unchanged
    return None


def region_label(region: dict | Region | None) -> str:
    """'四川省 遂宁市 船山区' for grouping and display; UNASSIGNED when unknown."""
    if region is None:
        return UNASSIGNED
    data = region.model_dump() if isinstance(region, Region) else region
    parts = [data.get("province"), data.get("city"), data.get("county")]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return " ".join(seen) or UNASSIGNED
