"""`wangjian clues set-status ID STATUS --by NAME [--note TEXT]`: one step of the clue
workflow (研判, 复核, 移交, 归档). Registered under the `clues` group by clues_cmd."""

from __future__ import annotations

import argparse
from typing import Any


def register_clue_workflow(clues_subparsers: Any) -> None:
    from cli.options import add_db_option
    from review.workflow import STATUS_LABELS

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
    parser.add_argument("--expect", choices=list(STATUS_LABELS), help="refuse unless the clue is still in this status")
    add_db_option(parser)
    parser.set_defaults(func=run_set_status)


def run_set_status(args: argparse.Namespace) -> int:
    from cli.options import store_session
    from review.workflow import STATUS_LABELS, resolve_id, set_status

    with store_session(args) as store:
        clue_id = resolve_id(store, args.clue_id)
        entry = set_status(store, clue_id, args.status, args.by, args.note, expected=args.expect)
    when = f"{entry.at:%Y-%m-%d %H:%M:%S}Z"
    print(f"{clue_id[:12]}: {entry.from_} → {entry.to} ({STATUS_LABELS[entry.to]}) by {entry.by} at {when}")
    return 0
