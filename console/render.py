"""HTML rendering: one Jinja2 environment with autoescaping on, and the filters the pages
share. Every value from the database reaches the page escaped; markup is only ever added
by the templates themselves."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from console.accounts import ROLE_LABELS, may
from reports.documents import BEIJING
from review.workflow import STATUS_LABELS

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=True))


def beijing(value: datetime | None, seconds: bool = False) -> str:
    if value is None:
        return "—"
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


env.filters.update(beijing=beijing, percent=percent, status_label=lambda s: STATUS_LABELS.get(s or "new", s))
env.globals.update(STATUS_LABELS=STATUS_LABELS, ROLE_LABELS=ROLE_LABELS, may=may, urlencode=urlencode)


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    current = getattr(request.state, "session", None)
    html = env.get_template(template).render(request=request, session=current, **context)
    return HTMLResponse(html, status_code=status_code)


def split_snippet(snippet: str | None, term: str | None) -> tuple[str, str, str]:
    """(before, matched, after) of the clue's snippet, for highlighting the matched term;
    the whole snippet as `before` when the term does not occur in it as written."""
    snippet = snippet or ""
    if term and (at := snippet.find(term)) >= 0:
        return snippet[:at], term, snippet[at + len(term) :]
    return snippet, "", ""
