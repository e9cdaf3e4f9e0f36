"""Keep secrets out of logs and error messages: passwords in MongoDB URIs are masked."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit

_URI_PASSWORD = re.compile(r"(mongodb(?:\+srv)?://[^:/@\s]*:)([^@\s]*)@")


def _configured_password() -> str | None:
    uri = os.environ.get("MONGO_URI")
    if not uri:
        return None
    try:
        password = urlsplit(uri).password
    except ValueError:
        return None
    return unquote(password) if password else None


def redact(text: str) -> str:
    """`text` with the password of any MongoDB URI, and the MONGO_URI password wherever it
    appears, replaced by ***."""
    text = _URI_PASSWORD.sub(r"\1***@", text)
    password = _configured_password()
    if password and len(password) >= 3:
        text = text.replace(password, "***")
    return text
