"""Pages as browsers save them: the page's own address and markup out of what a save wraps
around it.

* MHTML ("Save as single file" / "Webpage, single file" in Chrome, Edge, Firefox add-ons): a
  MIME ``multipart/related`` message whose first ``text/html`` part is the page, usually
  quoted-printable, with its charset in the part's Content-Type; the address is in the
  top header ``Snapshot-Content-Location`` (Chrome) or the part's ``Content-Location``.
* "Save page as … complete" (Internet Explorer, Edge, Chrome in older versions) keeps the
  address in a comment at the top: ``<!-- saved from url=(0043)https://detail.tmall.com/… -->``
  (the number is the address's length).
* SingleFile (a browser extension monitoring staff use) writes a comment block with
  ``url: https://…`` and ``saved date: …`` after the doctype.

`unwrap(body)` returns the page's bytes, the charset the wrapper declared and the address,
so a saved file read without ``--url`` is recognised by its real host. A "complete" save keeps
the pictures beside the page (``./某某_files/a.jpg``); read at the page's web address those
would point nowhere, so `local_files` points them at the saved folder instead."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

#: How far into a file the saver's marks are looked for.
_HEAD = 4096
_MHTML_RE = re.compile(rb"^\s*(?:From:|MIME-Version:|Snapshot-Content-Location:|Subject:|Date:)", re.I)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_LOCAL = re.compile(
    r"""(\s(?:src|href|data-src|data-original|data-lazyload|data-ks-lazyload)\s*=\s*["'])(?:\./)?"""
    r"""([^"'/:?#]+_files/)"""
)
_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile.{0,400}?\burl:\s*(\S+)", re.I | re.S)


@dataclass
class Saved:
    body: bytes  # the page's own bytes
    charset: str | None  # the charset its wrapper declared (MHTML part header)
    url: str | None  # the address the page was saved from


def is_mhtml(body: bytes) -> bool:
    head = body[:_HEAD]
    return bool(_MHTML_RE.match(head)) and b"multipart/related" in head.lower()


def _web(url: str | None) -> str | None:
    """`url` when it is a web address (http/https), else None."""
    if not url:
        return None
    url = url.strip()
    return url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname else None


def _mhtml(body: bytes) -> Saved:
    message = email.message_from_bytes(body, policy=email.policy.compat32)
    top = _web(message.get("Snapshot-Content-Location"))
    for part in message.walk():
        if part.get_content_type() != "text/html" or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return Saved(payload, part.get_content_charset(), top or _web(part.get("Content-Location")))
    return Saved(body, None, top)


def saved_url(text: str) -> str | None:
    """The address a saver's comment names at the top of a page (None when there is none)."""
    head = text[:_HEAD]
    m = _SAVED_FROM.search(head) or _SINGLEFILE.search(head)
    return _web(m[1]) if m else None


def unwrap(body: bytes) -> Saved:
    """The page inside a saved file: MHTML unpacked; otherwise the bytes as they are, with the
    address of a saver's comment when the page carries one."""
    if is_mhtml(body):
        return _mhtml(body)
    return Saved(body, None, saved_url(body[:_HEAD].decode("latin-1")))


def local_files(text: str, file_url: str) -> str:
    """`text` with the addresses of a "complete" save's own folder (``./x_files/…``) made
    absolute against the saved file's location (`file_url`)."""
    folder = file_url.rsplit("/", 1)[0] + "/"
    return _LOCAL.sub(lambda m: m[1] + folder + m[2], text)
