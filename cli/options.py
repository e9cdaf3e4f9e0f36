"""What several commands share, defined once: the database option, Scrapy settings given as
``-s NAME=VALUE``, and opening the clue store."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cli import CliError


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=os.environ.get("WANGJIAN_DB", "wangjian"), help="database name")


def add_settings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="Scrapy setting")


def settings_from(pairs: list[str]) -> dict[str, str]:
    """The ``-s NAME=VALUE`` options as a dict."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise CliError(f"-s expects NAME=VALUE, got {pair!r}")
        settings[name] = value
    return settings


def mongo_uri() -> str:
    """MONGO_URI, or the embedded server's (credentials included: never printed)."""
    from store.database import resolve_mongo_uri
    from store.embedded_mongo import EmbeddedMongoError

    try:
        return resolve_mongo_uri(os.environ.get("MONGO_URI"))
    except EmbeddedMongoError as exc:
        raise CliError(str(exc)) from exc


@contextmanager
def store_session(args: argparse.Namespace) -> Iterator[Any]:
    """A Store on MONGO_URI (or the embedded server); database failures, and a clue that
    cannot be found or changed, become one line, with any password masked."""
    from pymongo.errors import PyMongoError

    from review.workflow import WorkflowError
    from store.database import Store, resolve_mongo_uri
    from store.embedded_mongo import EmbeddedMongoError
    from store.redact import redact

    try:
        store = Store(resolve_mongo_uri(os.environ.get("MONGO_URI")), args.db)
    except (EmbeddedMongoError, PyMongoError, ValueError) as exc:
        raise CliError(f"cannot open the clue store: {redact(str(exc))}") from None
    try:
        yield store
    except PyMongoError as exc:
        raise CliError(f"database error: {redact(str(exc))[:300]}") from None
    except WorkflowError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
