"""Rules-engine throughput on a generated 20 MB corpus of listing-like text.

In one process and over the same texts: the engine (`RuleSet.scan` on whole documents, with
every shipped pack), and as baselines a raw scan of the engine's keyword set (every keyword
and anchor literal of the shipped packs, normalised, ban-list names included) with
pyahocorasick `iter()`, with ahocorasick_rs (default build, and the DFA build the engine
uses), and a Python `re` alternation of the same literals (timed on a slice: it is slow).
Raw scans see the raw text; the engine also normalises it, resolves candidates and runs
the structural rules. MB are UTF-8 megabytes of field text per CPU second of this process.
The engine and the ahocorasick_rs scans run --repeat times (default 5), taking turns, and
each figure is the median of its runs, as the machine may be shared; a ratio of the engine
to a raw scan is the median of the per-round ratios (the two run back to back in a round).

The engine's scan is timed stage by stage too (rules/engine.py, the untraced scan):
normalise (every field of a document at once), automaton (one ahocorasick_rs pass over the
joined fields), locate (matches to fields, keyword spans, anchors and gates) and judge
(scope, conditions, word boundaries, exclusions, offsets back to the original text, the
structural rules). The ratio without normalisation compares the scan less its normalise
stage with the raw scan, which sees the text as it is.

The corpus mixes listing vocabulary with full-width punctuation, spaces, Latin model codes,
sizes and prices, a share of traditional-character pages, and planted terms (violations,
false-positive traps, noise-split and traditional spellings), so every normalisation path
runs. It is deterministic (seeded).

A second run (first in the output) repeats this at the scale the matchers were first compared
at, 5,000 keywords with 2,601 distinct first characters: the shipped packs plus one generated
rule (`scaled_ruleset`). Python's `re` alternation slows down with the number of distinct
first characters (most positions of Chinese text then start a branch), the automata do not.

The pack load time is reported too: loading from the YAML (validation, lexicon expansion,
regex checks) and from the compiled cache (rules/cache.py), as bench rules_load.

Ends with: bench rules_re … vs re_alternation, then bench rules … vs ahocorasick_rs (its
default build, the raw scan the issue measured; the ratio to the faster DFA build the engine
itself uses is printed on the line before). The normaliser line says whether the compiled
normaliser (rules/_fastnorm.c) ran.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import ahocorasick
import ahocorasick_rs

from rules import load_ruleset
from rules.document import Document
from rules.engine import PACKS_DIR, RuleSet
from rules.loader import load_packs
from rules.matcher import build_automaton
from rules.model import PackInfo, Rule
from rules.normalise import _compiled

_WORDS_TEXT = (
    "新款 春季 男士 女士 休闲 运动 纯棉 透气 舒适 百搭 宽松 修身 加厚 保暖 防水 耐磨 轻便 家用 办公 大容量 "
    "智能 无线 蓝牙 充电 快充 便携 迷你 高清 降噪 静音 节能 环保 实木 不锈钢 陶瓷 玻璃 收纳 包邮 现货 速发 "
    "正品 官方 旗舰店 品质 保证 售后 无忧 七天 退换 优惠 满减 领券 下单 立减 赠送 礼品 礼盒 装 规格 尺码 颜色 "
    "黑色 白色 灰色 蓝色 红色 适用 人群 学生 上班族 儿童 老人 材质 产地 广东 浙江 江苏 生产 日期 保质期 个月 "
    "储存 方法 阴凉 干燥 处 注意 事项 使用 说明 详情 见 包装 图片 仅供 参考 以 实物 为准 欢迎 咨询 客服 "
    "的 了 是 和 也 都 很 更 我们 您 可以 每天 一起 时间 生活 工作 家庭 朋友 喜欢 选择 设计 简约 时尚 经典"
)
_WORDS = tuple(_WORDS_TEXT.split())
_LATIN = ("XL", "XXL", "USB-C", "LED", "Type-C", "iPhone", "A4", "PU", "ABS", "Wi-Fi", "S/M/L", "PVC", "3C")
_AMOUNTS = ("500ml", "1.5kg", "2件", "30天", "3年", "¥99", "￥128", "12V", "5000mAh", "10片装", "80g")
_PUNCT = ("，", "，", "，", "、", " ", "；", "！", "。", "……", "～")
_TERMS = (
    "最佳",
    "国家级",
    "销量第一",
    "好评返现",
    "原价¥399",
    "限时秒杀",
    "最终解释权归本店所有",
    "消炎",
    "根治",
    "不支持7天无理由",
    "最佳赏味期",
    "最好先冷藏",
    "大麻烦",
    "第一次",
    "仅剩3件",
    "药妆",
    "地高辛",
    "最*佳",
    "国 家 级",
    "銷量第一",
    "全網最低價",
    "ＮＯ．１",
    "美白祛斑",
    "处方药",
    "疫苗",
    "注射液",
    "增强免疫力",
    "一经售出概不退换",
    "自动续费",
    "无效退款",
    "治愈率",
    "纯天然无副作用",
)


def _s2t_table() -> dict[int, str]:
    """Simplified → one traditional form, from the OpenCC character data the engine uses."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            simple = parts[1].split(" ")[0]
            if len(simple) == 1 and simple != parts[0]:
                table.setdefault(ord(simple), parts[0])
    return table


def generate(total_bytes: int, seed: int = 20240501) -> list[Document]:
    rng = random.Random(seed)
    s2t = _s2t_table()
    docs: list[Document] = []
    size = 0
    categories = (None, "普通商品", "食品", "化妆品", "保健食品", "药品")

    def text(n: int) -> str:
        parts = [rng.choice(_WORDS) for _ in range(n)]
        for _ in range(n // 25):
            parts.insert(rng.randrange(len(parts)), rng.choice(_LATIN if rng.random() < 0.5 else _AMOUNTS))
        if rng.random() < 0.3:
            parts.insert(rng.randrange(len(parts)), rng.choice(_TERMS))
        style = rng.random()
        if style < 0.4:
            out = "".join(p + (rng.choice(_PUNCT) if rng.random() < 0.15 else "") for p in parts)
        elif style < 0.7:
            out = " ".join(parts)
        else:
            out = "".join(parts)
        return out

    while size < total_bytes:
        fields = {"title": text(12), "description": text(260), "promo": text(30), "terms": text(60)}
        if rng.random() < 0.03:
            fields = {k: v.translate(s2t) for k, v in fields.items()}
        size += sum(len(v.encode("utf-8")) for v in fields.values())
        docs.append(Document(id=f"b{len(docs)}", category=rng.choice(categories), fields=fields))
    return docs


def _common_chars() -> list[str]:
    """The 3,755 level-1 characters of GB 2312 (the everyday ones), in code order."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.append(bytes([hi, lo]).decode("gb2312"))
    return out


def scaled_ruleset(total: int, first_chars: int, seed: int = 7) -> RuleSet:
    """The shipped packs plus one generated rule whose keywords bring the keyword set to
    `total` with `first_chars` distinct first characters: the scale the issue measured the
    matchers at (5,000 keywords, 2,601 first characters). The generated terms are 3-4
    everyday characters, most starting with a character the corpus text uses, so the `re`
    alternation meets them everywhere while whole terms stay rare, as drug or brand names do."""
    rng = random.Random(seed)
    infos, rules = load_packs(PACKS_DIR)
    shipped = RuleSet(infos, rules).keywords
    common = _common_chars()
    corpus_chars = sorted({ch for w in _WORDS for ch in w})
    firsts = list(dict.fromkeys([k[0] for k in shipped] + corpus_chars))
    pool = [c for c in common if c not in set(firsts)]
    rng.shuffle(pool)
    firsts += pool[: max(0, first_chars - len(firsts))]
    words: set[str] = set()
    known = set(shipped)
    i = 0
    while len(words) + len(known) < total:
        word = firsts[i % len(firsts)] + "".join(rng.choice(common) for _ in range(rng.choice((2, 3))))
        i += 1
        if word not in known:
            words.add(word)
    terms = sorted(words)
    extra = Rule.model_validate(
        {
            "id": "DRUG-SCALE-001",
            "title": "基准测试用生成词表",
            "family": "drug.banned_online",
            "severity": "S3",
            "class": "客体",
            "department": "药品",
            "status": "experimental",
            "legal_basis": [{"law": "基准测试", "article": "无"}],
            "fields": ["title", "description", "promo", "terms"],
            "keywords": terms,
            "examples": {"hit": terms[:2], "miss": ["无关文本", "另一段无关文本"]},
        }
    )
    info = PackInfo(id="bench-scale", version="0.0.0", sha256="-", path="-")
    return RuleSet([*infos, info], [*rules, extra])


def measure(rs: RuleSet, docs: list[Document], re_fraction: float, repeat: int) -> dict[str, float]:
    """MB/s of the engine and of the raw scans of its keyword set, over the same texts, and
    the CPU seconds of each stage of the engine's scan. The engine, the ahocorasick_rs scans
    and the stages run `repeat` times, taking turns; each figure is the median of its runs."""
    texts = [t for d in docs for t in d.fields.values()]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1_000_000
    keywords = sorted(set(rs.keywords), key=len, reverse=True)
    rs.scan(Document(id="warm", fields={"title": "这真是个大麻烦"}))  # load jieba outside the timing
    out = {"mb": mb, "keywords": len(keywords), "first_chars": len({k[0] for k in keywords})}
    rs_default = ahocorasick_rs.AhoCorasick(keywords)
    rs_dfa = build_automaton(keywords)

    def raw(automaton: ahocorasick_rs.AhoCorasick) -> float:
        return _timed(lambda: [automaton.find_matches_as_indexes(t, overlapping=True) for t in texts])

    runs: dict[str, list[float]] = {}
    for _ in range(repeat):
        for label, seconds in (
            ("engine", _timed(lambda: [rs.scan(d) for d in docs])),
            ("ahocorasick_rs", raw(rs_default)),
            ("ahocorasick_rs_dfa", raw(rs_dfa)),
            *stage_times(rs, docs).items(),
        ):
            runs.setdefault(label, []).append(seconds)
    for label, seconds in runs.items():
        out[f"{label}_s"] = statistics.median(seconds)
        out[label] = mb / out[f"{label}_s"]
    # The engine and a raw scan of one round run back to back, so a busy spell of a shared
    # machine slows both: each ratio is the median of the rounds' own ratios.
    for label in ("ahocorasick_rs", "ahocorasick_rs_dfa"):
        out[f"ratio_{label}"] = statistics.median(
            raw / engine for raw, engine in zip(runs[label], runs["engine"], strict=True)
        )

    auto = ahocorasick.Automaton()
    for i, k in enumerate(keywords):
        auto.add_word(k, i)
    auto.make_automaton()
    out["pyahocorasick"] = mb / _timed(lambda: [list(auto.iter(t)) for t in texts])

    alternation = re.compile("|".join(re.escape(k) for k in keywords))
    sample = texts[: max(1, int(len(texts) * re_fraction))]
    out["re_mb"] = sum(len(t.encode("utf-8")) for t in sample) / 1_000_000
    out["re"] = out["re_mb"] / _timed(lambda: [list(alternation.finditer(t)) for t in sample])
    return out


#: The stages of the engine's untraced scan (rules/engine.py, `_scan_fast`), in order.
STAGES = ("normalise", "automaton", "locate", "judge")


def stage_times(rs: RuleSet, docs: list[Document]) -> dict[str, float]:
    """CPU seconds of each stage of the scan over `docs`: the scan is run cut off after
    each stage in turn, and a stage costs the difference to the run cut off before it (so
    each stage runs on the data the previous one just made, as in a whole scan)."""

    def upto(last: int) -> Callable[[], None]:
        def run() -> None:
            for d in docs:
                names, fields = rs.stage_normalise(d)
                if last == 0 or fields is None:
                    continue
                found = rs.stage_automaton(fields)
                if last == 1:
                    continue
                located = rs.stage_locate(found, fields, names)
                if last == 2:
                    continue
                rs.stage_judge(d, names, fields, located, [])

        return run

    cumulative = [0.0] + [_timed(upto(i)) for i in range(len(STAGES))]
    return {name: cumulative[i + 1] - cumulative[i] for i, name in enumerate(STAGES)}


def _stage_line(r: dict[str, float]) -> str:
    total = sum(r[f"{s}_s"] for s in STAGES)
    parts = ", ".join(f"{s} {r[f'{s}_s'] * 1000:.0f} ms ({r[f'{s}_s'] / total:.0%})" for s in STAGES)
    bare = r["ahocorasick_rs_s"] / (r["engine_s"] - r["normalise_s"])
    return (
        f"engine stages (CPU, medians): {parts}; whole scan {r['engine_s'] * 1000:.0f} ms, raw ahocorasick_rs "
        f"{r['ahocorasick_rs_s'] * 1000:.0f} ms; ratio without normalisation={bare:.3f}"
    )


def load_times(repeat: int = 3) -> dict[str, float]:
    """CPU seconds to load the shipped packs from their YAML (cache off) and from the compiled
    cache, best of `repeat`; the normaliser's tables are loaded first so neither pays for them."""
    from rules.normalise import normalise_term

    normalise_term("预热")
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as cache:
        for label, setting in (("uncached", "off"), ("cached", cache)):
            os.environ["WANGJIAN_RULES_CACHE"] = setting
            load_ruleset()  # fills the cache for the cached run
            out[label] = min(_timed(load_ruleset) for _ in range(repeat))
    os.environ.pop("WANGJIAN_RULES_CACHE", None)
    return out


def _timed(fn: Callable[[], object]) -> float:
    """CPU seconds of `fn` (this process only: other load on a shared machine does not count)."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--re-fraction", type=float, default=0.05, help="share of texts timed for re")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the engine and its baselines (median)")
    parser.add_argument("--scale-keywords", type=int, default=5000, help="keyword count of the scale run (0: skip)")
    args = parser.parse_args()

    print(f"normaliser: {'compiled (rules._fastnorm)' if _compiled() is not None else 'Python steps only'}")
    docs = generate(int(args.mb * 1_000_000))
    gc.freeze()  # the corpus lives through every timing: keep the collector off it
    if args.scale_keywords:
        big = measure(scaled_ruleset(args.scale_keywords, 2601), docs, args.re_fraction / 20, args.repeat)
        print(
            f"scale: {big['keywords']} keywords, {big['first_chars']} first characters (shipped packs + generated "
            f"terms): engine {big['engine']:.2f} MB/s; ahocorasick_rs raw {big['ahocorasick_rs']:.2f} MB/s "
            f"(default build), {big['ahocorasick_rs_dfa']:.2f} MB/s (DFA build); pyahocorasick raw "
            f"{big['pyahocorasick']:.2f} MB/s; re alternation {big['re']:.3f} MB/s (on {big['re_mb']:.2f} MB)"
        )
        print(f"scale {_stage_line(big)}")
        print(
            f"bench rules_scale_re: engine_mbps={big['engine']:.2f} ratio={big['engine'] / big['re']:.1f} "
            f"vs re_alternation_{big['keywords']}_keywords"
        )
        print(
            f"bench rules_scale: engine_mbps={big['engine']:.2f} ratio={big['ratio_ahocorasick_rs']:.3f} "
            f"vs ahocorasick_rs_{big['keywords']}_keywords"
        )
    r = measure(load_ruleset(), docs, args.re_fraction, args.repeat)
    engine = r["engine"]
    print(f"corpus: {r['mb']:.1f} MB in {len(docs)} documents, {r['keywords']} keywords and anchors")
    print(
        f"engine {engine:.2f} MB/s; pyahocorasick raw {r['pyahocorasick']:.2f} MB/s; ahocorasick_rs raw "
        f"{r['ahocorasick_rs']:.2f} MB/s (default build), {r['ahocorasick_rs_dfa']:.2f} MB/s (DFA build); "
        f"re alternation {r['re']:.3f} MB/s (on {r['re_mb']:.1f} MB)"
    )
    print(
        f"engine vs pyahocorasick raw: ratio={engine / r['pyahocorasick']:.2f}; engine vs ahocorasick_rs DFA build "
        f"(the engine's own automaton): ratio={r['ratio_ahocorasick_rs_dfa']:.3f}"
    )
    print(_stage_line(r))
    loads = load_times()
    print(
        f"pack load (CPU): {loads['uncached'] * 1000:.0f} ms from YAML (validate, expand lexicons, compile), "
        f"{loads['cached'] * 1000:.0f} ms from the compiled cache (keyed by a hash of packs, lexicons and engine)"
    )
    cached_ms, ratio = loads["cached"] * 1000, loads["cached"] / loads["uncached"]
    print(f"bench rules_load: cached_ms={cached_ms:.0f} ratio={ratio:.2f} vs uncached_load")
    print(f"bench rules_re: engine_mbps={engine:.2f} ratio={engine / r['re']:.2f} vs re_alternation")
    print(f"bench rules: engine_mbps={engine:.2f} ratio={r['ratio_ahocorasick_rs']:.3f} vs ahocorasick_rs")


if __name__ == "__main__":
    main()
