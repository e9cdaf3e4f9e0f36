"""统一社会信用代码 validation (GB 32100-2015: format and check character)."""

from __future__ import annotations

import re
import unicodedata

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FORMAT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_VALUE = {c: i for i, c in enumerate(CHARSET)}


def clean(code: str) -> str:
    """Full-width forms to ASCII (ＡＢ１２ is AB12), uppercase, and drop spaces and hyphens,
    as people write codes in groups."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", code)).upper()


def check_character(first17: str) -> str:
    """The 18th character GB 32100 prescribes for the first 17."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why `code` is not a valid USCC (Chinese, for the hit term), or None when it is."""
    c = clean(code)
    if len(c) != 18:
        return f"统一社会信用代码位数错误（{len(c)}位）"
    if not FORMAT.match(c):
        return "统一社会信用代码含非法字符或格式错误"
    if check_character(c[:17]) != c[17]:
        return "统一社会信用代码校验位错误"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


#: Letters no code holds (the character set leaves out I, O, Z, S, V), read for the character
#: they resemble; and among the six digits of the region code, letters for digits.
_NOT_IN_CODES = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"})
_DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6", "T": "7"}
)


def repaired(code: str) -> str:
    """An 18-character code misread (by OCR) with letters that cannot stand where they were
    read, put right only when the result passes the check character: a code printed with a
    wrong check character is never made valid. Any other code is returned as it is."""
    c = code.upper()
    if len(c) != 18 or is_valid(c):
        return code
    fixed = c.translate(_NOT_IN_CODES)
    fixed = fixed[:2] + fixed[2:8].translate(_DIGIT_LOOKALIKES) + fixed[8:]
    return fixed if is_valid(fixed) else code
