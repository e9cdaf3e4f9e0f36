"""Scanning time of hostile shop pages: a page must not stall detection however it is written.

A 100,000-character shop text written against the shipped packs' regexes (an address and a
phone number but no licence or declaration, which made the licence-display declaration
regex rescan the rest of the text from every position; long runs of digits and letters for
the credit-code patterns; repeated 最 and 第一 for the absolute-term patterns) is scanned with
every shipped pack and timed against an ordinary shop text of the same length (listing
vocabulary, the usual mix of hits). The old, unanchored declaration regex is timed alone on
a 10,000-character slice of the hostile text to show what the rewrite removed.

Fails (exit 1) when the hostile text takes a second or more. Ends with: bench regex_time …
vs ordinary_shop_text (the ratio is hostile / ordinary time; near 1 means no hostile shape).
"""

from __future__ import annotations

import re
import sys
import time

from rules import load_ruleset
from rules.document import Document

LENGTH = 100_000
#: The declaration regex as shipped before it was anchored with \A (quadratic).
OLD_DECLARATION = (
    r"(?s)(?=.*(地址|经营场所|住所))(?=.*(联系方式|联系电话|电话|手机|邮箱|微信))"
    r"(.*((不需要|无需|无须|不用)办理(市场主体|工商)?登记|依法不需要办理|免于(办理)?(市场主体)?登记))"
)


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def hostile_text(length: int = LENGTH) -> str:
    parts = [
        "本店地址：浙江省义乌市稠州北路。联系电话：0579-85551234。手机：13800000000。",
        "9" * 17 + "a" * 20 + "1234567890" * 3,
        "最最最最最最最最最最第一第一第一第一",
        "个人卖家小本经营不需要",
        "注册号：" + "4" * 14 + "号",
    ]
    return _repeat("".join(parts), length)


def ordinary_text(length: int = LENGTH) -> str:
    unit = (
        "欢迎光临本店，全场包邮，七天无理由退换。本店销售家居日用百货，品质保证，售后无忧。"
        "客服在线时间9:00-21:00，下单请备注尺码颜色。国家级品质，最佳选择，限时优惠。"
    )
    return _repeat(unit, length)


def _best_of(n: int, fn) -> float:  # noqa: ANN001
    best = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    rs = load_ruleset()
    hostile = Document(id="hostile", kind="shop", fields={"shop_info": hostile_text(), "title": "小王百货"})
    ordinary = Document(id="ordinary", kind="shop", fields={"shop_info": ordinary_text(), "title": "小王百货"})
    rs.scan(ordinary)  # jieba and caches warm
    t_hostile = _best_of(3, lambda: rs.scan(hostile))
    t_ordinary = _best_of(3, lambda: rs.scan(ordinary))
    hits = len(rs.scan(hostile))
    old_slice = hostile_text(10_000)
    t_old = _best_of(1, lambda: re.search(OLD_DECLARATION, old_slice))
    print(f"hostile shop text: {LENGTH:,} characters, {hits} hits, {t_hostile:.3f} s with every shipped pack")
    print(f"ordinary shop text: {LENGTH:,} characters, {t_ordinary:.3f} s")
    print(f"old unanchored declaration regex alone: {t_old:.2f} s on 10,000 characters (quadratic)")
    ratio = t_hostile / t_ordinary
    print(f"bench regex_time: hostile_shop_seconds={t_hostile:.3f} ratio={ratio:.2f} vs ordinary_shop_text")
    if t_hostile >= 1.0:
        print("FAIL: a 100,000-character hostile shop text must scan in under a second", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
