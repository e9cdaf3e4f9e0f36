"""Pinyin annotations after Chinese characters are noise: 國(guó)家(jiā)級(jí) reads 國家級.

Copied documents and evasive listings carry the reading of each character in brackets
(published decisions quote traditional text with pinyin noise). Such an annotation is removed
before normalisation when it is one pinyin syllable with a tone, written with a tone mark or
a tone digit, in round brackets right after a Chinese character. Requiring the tone keeps
sizes, materials and markers such as T恤(XL), 皮鞋(PU) or 布洛芬(OTC) untouched.
"""

from __future__ import annotations

import re
import unicodedata

from rules.normalise import _HAN

#: Vowels with a tone mark, both cases (ü with a tone included).
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛ"
_ANNOTATION = re.compile(rf"(?<=[{_HAN}])[(（]([A-Za-zÜü{TONED}]{{1,6}}[1-5]?)[)）]")
#: One syllable: an optional initial and a final (ü written v), tone removed.
_SYLLABLE = re.compile(
    r"(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(iang|iong|uang|ueng|ang|eng|ing|ong|uai|uan|ian|iao|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ve|ue|er"
    r"|a|o|e|i|u|v)"
)


def _base(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    return "v" if "\u0308" in decomposed else decomposed[0].lower()


_TONE_BASE = {ch: _base(ch) for ch in TONED}


def _toned_syllable(reading: str) -> bool:
    toned = reading[-1] in "12345"
    letters = []
    for ch in reading[:-1] if toned else reading:
        if ch in _TONE_BASE:
            letters.append(_TONE_BASE[ch])
            toned = True
        else:
            letters.append("v" if ch in "üÜ" else ch.lower())
    return toned and _SYLLABLE.fullmatch("".join(letters)) is not None


def strip_annotations(text: str) -> tuple[str, list[int]] | None:
    """`text` without its pinyin annotations and the original index of each character left,
    or None when it has none."""
    spans = [m.span() for m in _ANNOTATION.finditer(text) if _toned_syllable(m.group(1))]
    if not spans:
        return None
    pieces: list[str] = []
    kept: list[int] = []
    at = 0
    for start, end in spans:
        pieces.append(text[at:start])
        kept.extend(range(at, start))
        at = end
    pieces.append(text[at:])
    kept.extend(range(at, len(text)))
    return "".join(pieces), kept
