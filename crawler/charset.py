"""Which encoding a page's bytes are really in.

A byte-order mark decides first, as it does in browsers. Platforms of the GBK era declare
their charset in a ``<meta>`` tag and sometimes send a Content-Type header that says otherwise
(a CDN or proxy default), and pages saved by browsers keep a meta tag that no longer matches
the bytes (a Tmall page saved as UTF-8 still says gbk). A monitoring crawl must read what the
page says, so a disagreement is settled by the bytes: valid UTF-8 with non-ASCII text is almost
never an accident, then the meta tag, then the header, then GB18030 (a superset of GBK and
GB2312, also what a page with no declaration at all is tried in when it is not UTF-8)."""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import http_content_type_encoding, read_bom

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


def bom_encoding(body: bytes) -> str | None:
    """The encoding a byte-order mark names (UTF-8, UTF-16 LE/BE), else None."""
    encoding, _ = read_bom(body)
    return canonical(encoding) if encoding else None


def header_charset(value: str | bytes | None) -> str | None:
    """The charset of a Content-Type header value ("text/html; charset=GBK" → gb18030), or a
    bare charset label."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    if "/" in text or ";" in text:
        return canonical(http_content_type_encoding(text))
    return canonical(text)


def sniff(body: bytes, declared: str | None) -> tuple[str | None, str]:
    """(encoding to read `body` with, verdict): OK when the declared header encoding holds,
    WRONG when another one had to be chosen, UNDECODABLE when nothing decodes cleanly (the
    declared one is kept, lossy)."""
    declared = header_charset(declared)
    if bom := bom_encoding(body):
        return bom, OK if declared in (None, bom) else WRONG
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
    """Text of a saved or fetched page, whatever it is encoded in; `declared` is the
    Content-Type header (or its charset) when the page came with one."""
    if isinstance(body, str):
        return body
    encoding, _ = sniff(body, declared)
    if bom_encoding(body):
        encoding, body = bom_encoding(body), body[len(read_bom(body)[1] or b"") :]
    return body.decode(encoding or "utf-8", errors="replace")
