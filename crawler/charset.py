"""Which encoding a page's bytes are really in.

Platforms of the GBK era declare their charset in a ``<meta>`` tag and sometimes send a
Content-Type header that says otherwise (a CDN or proxy default). Browsers trust the header;
a monitoring crawl must read what the page says, so a disagreement is settled by the bytes:
valid UTF-8 with non-ASCII text is almost never an accident, then the meta tag, then the
header, then GB18030 (a superset of GBK and GB2312)."""

from __future__ import annotations

import codecs
import re

_META_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CHINESE = {"gbk", "gb2312", "gb18030", "hz"}

OK = "ok"
WRONG = "wrong_charset"
UNDECODABLE = "undecodable"


def canonical(name: str | bytes | None) -> str | None:
    """Python codec name for a charset label; the GB family maps to GB18030 (its superset)."""
    if not name:
        return None
    label = name.decode("ascii", "ignore") if isinstance(name, bytes) else name
    try:
        codec = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return "gb18030" if codec in _CHINESE else codec


def meta_charset(body: bytes) -> str | None:
    """The charset the page declares in its first 4 KB (``<meta charset>`` or http-equiv)."""
    m = _META_RE.search(body, 0, 4096)
    return canonical(m[1]) if m else None


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def sniff(body: bytes, declared: str | None) -> tuple[str | None, str]:
    """(encoding to read `body` with, verdict): OK when the declared header encoding holds,
    WRONG when another one had to be chosen, UNDECODABLE when nothing decodes cleanly (the
    declared one is kept, lossy)."""
    declared = canonical(declared)
    meta = meta_charset(body)
    if declared and (meta is None or meta == declared) and _decodes(body, declared):
        return declared, OK
    candidates = []
    if not body.isascii() and _decodes(body, "utf-8"):
        candidates.append("utf-8")
    candidates += [c for c in (meta, declared, "gb18030") if c]
    for encoding in candidates:
        if _decodes(body, encoding):
            if declared is None or encoding == declared:
                return encoding, OK
            return encoding, WRONG
    return declared or meta, UNDECODABLE


def decode_html(body: bytes | str, declared: str | None = None) -> str:
    """Text of a saved or fetched page, whatever it is encoded in."""
    if isinstance(body, str):
        return body
    encoding, _ = sniff(body, declared)
    return body.decode(encoding or "utf-8", errors="replace")
