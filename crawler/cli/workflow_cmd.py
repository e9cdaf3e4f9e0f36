"""`wangjian clues set-status ID STATUS --by NAME [--note TEXT]`: one step of the clue
workflow (研判, 复核, 移交, 归档). Registered under the `clues` group by clues_cmd."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from crawler.cli import CliError


def add_store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mongo-uri", default=os.environ.get("MONGO_URI"), help="default: $MONGO_URI or embedded")
    parser.add_argument("--db", default=os.environ.get("WANGJIAN_DB", "wangjian"), help="database name")


@contextmanager
def open_store(args: argparse.Namespace) -> Iterator[Any]:
    from pipelines.embedded_mongo import EmbeddedMongoError
    from pipelines.store import Store, resolve_mongo_uri

    try:
        store = Store(resolve_mongo_uri(args.mongo_uri), args.db)
    except EmbeddedMongoError as exc:
        raise CliError(str(exc)) from exc
    try:
        yield store
    finally:
        store.close()


def register_clue_workflow(clues_subparsers: Any) -> None:
    from pipelines.workflow import STATUS_LABELS

    parser = clues_subparsers.add_parser("set-status", help="move a clue along the workflow (appends to its history)")
    parser.add_argument("clue_id", metavar="ID", help="clue id or a unique prefix (8+ hex digits)")
    parser.add_argument(
        "status",
        metavar="STATUS",
        choices=list(STATUS_LABELS),
        help=", ".join(f"{k} ({v})" for k, v in STATUS_LABELS.items()),
    )
    parser.add_argument("--by", required=True, help="officer or department making the change")
    parser.add_argument("--note", help="reasons, judgment, receiving bureau, case number …")
    add_store_options(parser)
    parser.set_defaults(func=run_set_status)


def run_set_status(args: argparse.Namespace) -> int:
    from pipelines.workflow import STATUS_LABELS, WorkflowError, resolve_id, set_status

    with open_store(args) as store:
        try:
            clue_id = resolve_id(store, args.clue_id)
            entry = set_status(store, clue_id, args.status, args.by, args.note)
        except WorkflowError as exc:
            raise CliError(str(exc)) from exc
    print(
        f"{clue_id[:12]}: {entry.from_} → {entry.to} ({STATUS_LABELS[entry.to]}) by {entry.by} at {entry.at:%Y-%m-%d %H:%M:%S}Z"
    )
    return 0
