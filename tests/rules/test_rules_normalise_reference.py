"""Both fast normalisers against a slow, literal reading of the normalisation rules.

The reference maps one character at a time (NFKC, t2s, A-Z lowercased, zero-width dropped)
and deletes noise with the plain rule regex, keeping the original index of every output
character. The compiled path (rules/_fastnorm.c) and the Python path (class scans,
`str.replace`, the space squeeze, lazy offset maps), each alone and in one pass over all
fields of a document, must give the same text and the same offsets on generated strings
that mix every case the rules name.
"""

from __future__ import annotations

import random
import re
import unicodedata
from functools import lru_cache

import pytest

import rules.normalise as normaliser
from rules.normalise import _HAN, _NOISE_MARKS, _ZERO_WIDTH, _t2s_pairs, normalise, normalise_all
from rules.ruby import TONED, _toned_syllable

_NOISE_ONLY = re.compile(rf"[\s{_NOISE_MARKS}]+")
_RULE = re.compile(rf"(?<=[{_HAN}])[\s{_NOISE_MARKS}{_ZERO_WIDTH}]{{1,3}}(?=[{_HAN}])|[{_ZERO_WIDTH}]+")


@lru_cache(maxsize=1)
def _t2s() -> dict[str, str]:
    return _t2s_pairs()


def _char(ch: str) -> str:
    if ch in _ZERO_WIDTH:
        return ch  # removed below, as noise, so its offset stays mappable
    t2s = _t2s()
    nf = unicodedata.normalize("NFKC", ch)
    if len(nf) > 1 and _NOISE_ONLY.fullmatch(nf):
        nf = nf[0]  # … → ...: one noise character (a run of noise either way)
    if len(nf) == 1:
        out = t2s.get(nf, nf)
        return out.lower() if "A" <= out <= "Z" else out
    # an expansion (①, ㎏): each produced character through the one-character table
    return "".join(_char(c) if c not in _ZERO_WIDTH else c for c in nf)


#: A pinyin reading with a tone in brackets right after a Chinese character (国(guó)).
_ANNOTATION = re.compile(rf"(?<=[{_HAN}])[(（]([A-Za-zÜü{TONED}]{{1,6}}[1-5]?)[)）]")


def reference(text: str) -> tuple[str, list[int]]:
    """(normalised text, original index of each of its characters)."""
    dropped: set[int] = set()
    for m in _ANNOTATION.finditer(text):
        if _toned_syllable(m.group(1)):
            dropped.update(range(m.start(), m.end()))
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if i in dropped:
            continue
        out = _char(ch)
        chars += out
        index += [i] * len(out)
    stage = "".join(chars)
    keep = [True] * len(stage)
    for m in _RULE.finditer(stage):
        keep[m.start() : m.end()] = [False] * (m.end() - m.start())
    return "".join(c for c, k in zip(stage, keep, strict=True) if k), [i for i, k in zip(index, keep, strict=True) if k]


_ALPHABET = (
    list("最佳国家级销量第一大麻烦國家級銷量薴苧苎號ＮＯ．１ＡｂAbZzQX①㎏ﬁ…ΣİÄ0123456789")
    + list(" \t\n*#。，,.、!！?？:：-_()（）【】…")
    + ["\u200b", "\u200d", "\ufeff", "\u00ad", "\u3000", "\u0301", "\uf900", "\ue000", "\x00"]
    + ["\U0001d400", "\U00020000", "\U0002f800", "\U00030001"]
    + ["(zuì)", "（jiā）", "(guo2)", "(xl)", "(otc)", "(ā", "ǎ)", "(Zhōng)", "(lǜ)", "(qx3)", "(lü3)", "(LÜ4)"]
    # Chinese characters whose simplified form lies outside the ranges the noise rule reads
    + ["\u346e", "\u3493"]
)


#: Characters whose NFKC form is longer than one character: the compiled path hands texts
#: holding one to the Python path, so half of the strings are made without them.
_EXPANDING = set("①㎏ﬁ")


def _strings(seed: int, count: int, longest: int, spaces: int, expanding: bool = True) -> list[str]:
    rng = random.Random(seed)
    alphabet = [c for c in _ALPHABET if expanding or c not in _EXPANDING]
    alphabet += [" "] * spaces + list("商品质量好价格便宜") * 3
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def _check(text: str, n) -> None:  # noqa: ANN001 - Normalised
    expected, index = reference(text)
    assert n.text == expected, text
    for pos, original in enumerate(index):
        assert n.to_original(pos) == original, (text, pos)
    assert n.span(0, len(expected)) == ((index[0], index[-1] + 1) if index else (n.to_original(0),) * 2)


@pytest.mark.parametrize("expanding", [True, False])
@pytest.mark.parametrize(("seed", "longest", "spaces"), [(1, 12, 0), (2, 40, 4), (3, 80, 40)])
def test_normaliser_matches_the_reference(path: str, seed: int, longest: int, spaces: int, expanding: bool) -> None:
    for text in _strings(seed, 1500, longest, spaces, expanding):
        _check(text, normalise(text))


@pytest.mark.parametrize("expanding", [True, False])
def test_one_pass_over_all_fields_matches_the_reference(path: str, expanding: bool) -> None:
    texts = _strings(4, 1200, 60, 20, expanding)
    for i in range(0, len(texts), 4):
        group = [t for t in texts[i : i + 4] if t]
        if not group:
            continue
        fields = normalise_all(group)
        for k, (text, start) in enumerate(zip(group, fields.starts, strict=True)):
            n = fields[k]
            _check(text, n)
            assert fields.joined[start : start + len(n.text)] == n.text


def test_compiled_path_covers_listing_text() -> None:
    """Listing text (no ①-like characters) goes through the compiled path, not around it."""
    fast = normaliser._compiled()
    assert fast is not None, "rules._fastnorm is not built"
    done = fast.normalise("最 佳，國家級 ＮＯ．１ 產品\u200b好")
    assert done is not None
    assert done[0] == "最佳国家级 no.1 产品好"


def test_listing_text_with_many_spaces_keeps_latin_spacing(path: str) -> None:
    text = "新款 春季 XL 男士 休闲 ， 透气 iPhone 15 保护壳 " * 3
    n = normalise(text)
    assert n.text.startswith("新款春季 xl 男士休闲透气 iphone 15 保护壳")
    _check(text, n)


def test_compiled_and_python_paths_agree_on_any_code_point(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arbitrary code points (lone surrogates, astral planes, controls) give the same text
    and offsets on both paths; texts the compiled path declines are the Python path's."""
    fast = normaliser._compiled()
    assert fast is not None, "rules._fastnorm is not built"
    rng = random.Random(9)
    han = [chr(cp) for cp in range(0x4E00, 0x4E40)]
    texts = []
    for _ in range(3000):
        chars = [chr(rng.randrange(0x110000)) if rng.random() < 0.3 else rng.choice(han + [" ", "，", "\u200b"])]
        chars += [
            rng.choice(han + [" ", "，", "*", "\u200b", chr(rng.randrange(0x110000))])
            for _ in range(rng.randint(0, 30))
        ]
        texts.append("".join(chars))
    compiled = [normalise(t) for t in texts]
    monkeypatch.setattr(normaliser, "_compiled", lambda: None)
    for text, n in zip(texts, compiled, strict=True):
        p = normalise(text)
        assert n.text == p.text, repr(text)
        assert [n.to_original(i) for i in range(len(n.text) + 1)] == [p.to_original(i) for i in range(len(p.text) + 1)]
