"""京东 JD PC item pages (``item.jd.com/<sku>.html``): what the jd spider's extraction leaves to
the page's parameter tables and configuration.

* 商品介绍 parameters: ``.p-parameter`` lists (``ul#parameter-brand``, ``ul#parameter2`` until
  about 2016, ``ul.parameter2`` after) of "name：value" lines;
* 规格与包装: ``#detail .Ptable``, a ``table.Ptable`` of ``td.tdTitle`` / ``td`` rows until about
  2016, then ``.Ptable-item`` blocks of ``dl`` with ``dt`` / ``dd`` pairs (a drug's 批准文号,
  产品类型 处方药 / OTC, 生产企业, 规格 are there);
* ``pageConfig.product.specialAttrs``: flags such as ``isPrescriptCat-1`` (a prescription-drug
  category) and ``isOTCCat-1`` (an OTC one), ``-0`` when not;
* ``pageConfig.product.imageList`` (2016 on) or ``src`` (the main picture): picture paths
  ``jfs/…`` on JD's image host.

The parameters become ``attributes``; their drug facts reach the drug fields."""

from __future__ import annotations

import re
from typing import Any

from crawler.extract.generic import parse, put_attributes, text_of
from crawler.extract.layouts.jd_mobile import IMAGE_HOST
from crawler.extract.result import Reading

SOURCE = "jd:parameters"
_SPECIAL = re.compile(r"specialAttrs\s*:\s*\[([^\]]*)\]")
_IMAGE_LIST = re.compile(r"imageList\s*:\s*\[([^\]]*)\]")
_MAIN_IMAGE = re.compile(r"""\bsrc\s*:\s*["'](jfs/[^"']+)["']""")
_PATH = re.compile(r"""["'](jfs/[^"']+)["']""")


def parameters(root: Any) -> dict[str, str]:
    """Parameter name → value from the 商品介绍 lists and the 规格与包装 table."""
    out: dict[str, str] = {}

    def add(key: str, value: str) -> None:
        key, value = key.strip(" ：:\xa0"), value.strip(" \xa0")
        if key and value and len(key) <= 20:
            out.setdefault(key, value)

    for li in root.cssselect(".p-parameter li, #parameter2 li, ul.parameter2 li"):
        key, sep, value = text_of(li).partition("：")
        if sep:
            add(key, value)
    for row in root.cssselect("table.Ptable tr"):
        cells = [c for c in row if c.tag in ("td", "th")]
        if len(cells) == 2:
            add(text_of(cells[0]), text_of(cells[1]))
    for dt in root.cssselect(".Ptable-item dt"):
        dd = dt.getnext()
        while dd is not None and dd.tag == "dd" and "Ptable-tips" in (dd.get("class") or ""):
            dd = dd.getnext()  # a question-mark hint between a name and its value
        if dd is not None and dd.tag == "dd":
            add(text_of(dt), text_of(dd))
    return out


def special_flags(html: str) -> dict[str, str]:
    """``pageConfig.product.specialAttrs`` as flag → value ("isPrescriptCat" → "1")."""
    m = _SPECIAL.search(html)
    if not m:
        return {}
    flags = re.findall(r"""["']([A-Za-z0-9_]+)-(\w+)["']""", m[1])
    return dict(flags)


def pictures(html: str) -> list[str]:
    """The item's pictures from its configuration, as addresses on JD's image host."""
    found = _IMAGE_LIST.search(html)
    paths = _PATH.findall(found[1]) if found else []
    if not paths and (main := _MAIN_IMAGE.search(html)):
        paths = [main[1]]
    return [IMAGE_HOST + p for p in dict.fromkeys(paths)]


def complete(ex: Reading, html: str) -> Reading:
    """The parameter tables and category flags of an item page, added to the spider's reading."""
    if ex.kind != "product":
        return ex
    attrs = parameters(parse(html))
    ex.put("attributes", attrs or None, SOURCE)
    put_attributes(ex, attrs, SOURCE)
    ex.put("image_urls", pictures(html), "jd:page-config")
    flags = special_flags(html)
    if flags.get("isPrescriptCat") == "1":
        ex.put("prescription", True, "jd:special-attrs")
    elif flags.get("isOTCCat") == "1":
        ex.put("prescription", False, "jd:special-attrs")
    return ex
