"""`wangjian extract --spider NAME FILE [--url URL]`: run a spider's extraction on a saved
page and print what it found as JSON, so staff can check a spider against a page they saved.

Every platform spider binds `extraction.saved_page(page_bytes, url) -> list[dict]`, which works
out the page type (item, shop, licence, listing) itself. One result is printed as a JSON object,
several as a list; page bodies and other bytes are left out."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from cli import CliError


def register(sub: Any) -> None:
    parser = sub.add_parser("extract", help="run a spider's extraction on a saved page, print the item as JSON")
    parser.add_argument("--spider", required=True, help="spider name (see `scrapy list`)")
    parser.add_argument("file", type=Path, help="saved page (raw bytes as served, any encoding)")
    parser.add_argument("--url", help="the page's address: resolves its links and tells its type (default: file URL)")
    parser.set_defaults(func=run)


def spider_class(name: str) -> Any:
    """The spider class called `name`."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    loader = SpiderLoader.from_settings(get_project_settings())
    try:
        return loader.load(name)
    except KeyError:
        raise CliError(f"unknown spider {name!r} (known: {', '.join(sorted(loader.list()))})") from None


def jsonable(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump(mode="json", exclude={"pages"}))
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if not isinstance(v, bytes | bytearray)}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value if not isinstance(v, bytes | bytearray)]
    return value


def run(args: argparse.Namespace) -> int:
    extraction = getattr(spider_class(args.spider), "extraction", None)
    if extraction is None:
        raise CliError(f"spider {args.spider!r} has no extraction of saved pages")
    try:
        body = args.file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}") from None
    url = args.url or args.file.resolve().as_uri()
    results = [jsonable(r) for r in extraction.saved_page(body, url)]
    out = results[0] if len(results) == 1 else results
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
