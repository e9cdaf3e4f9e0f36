"""`wangjian clues list|show|export`: read the clue store the way officers and downstream
systems do. The workflow step (`clues set-status`) is registered here from workflow_cmd."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli import CliError
from cli.options import add_db_option, store_session


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", help="monitoring task id")
    parser.add_argument("--job", help="crawl job id")
    parser.add_argument("--family", help="rule family, e.g. ad.absolute")
    parser.add_argument("--platform")
    parser.add_argument("--severity", help="S1 … S4")
    parser.add_argument("--status", help="new, review, confirmed, dismissed, transferred, closed")
    parser.add_argument("--since", help="last seen at or after: ISO date/date-time or a span such as 7d, 12h")
    parser.add_argument("--until", help="last seen before: ISO date/date-time or a span")


def clue_filter(args: argparse.Namespace) -> dict[str, Any]:
    from store.clue_query import ClueFilter, parse_time

    try:
        spec = ClueFilter(
            task=args.task, job=args.job, family=args.family, platform=args.platform, severity=args.severity,
            status=args.status, since=parse_time(args.since) if args.since else None,
            until=parse_time(args.until) if args.until else None,
        )  # fmt: skip
        return spec.query()
    except ValueError as exc:
        raise CliError(str(exc)) from None


def register(sub: Any) -> None:
    parser = sub.add_parser("clues", help="list, show, export clues (and move them along the workflow)")
    clues = parser.add_subparsers(dest="clues_command", required=True, metavar="SUBCOMMAND")

    p = clues.add_parser("list", help="one line per clue, newest sighting first")
    add_filter_options(p)
    add_db_option(p)
    p.add_argument("--limit", type=int, default=50, help="at most this many (0 = all)")
    p.set_defaults(func=run_list)

    p = clues.add_parser("show", help="one clue as JSON")
    p.add_argument("clue_id", metavar="ID", help="clue id or a unique prefix (8+ hex digits)")
    add_db_option(p)
    p.set_defaults(func=run_show)

    p = clues.add_parser("export", help="selected clues as CSV, XLSX or JSON Lines")
    add_filter_options(p)
    add_db_option(p)
    p.add_argument("--format", choices=["csv", "xlsx", "jsonl"], help="default: from the output file's suffix")
    p.add_argument("--output", "-o", type=Path, help="file to write (default: stdout; required for xlsx)")
    p.set_defaults(func=run_export)

    try:
        from cli.workflow_cmd import register_clue_workflow
    except ModuleNotFoundError as exc:
        if exc.name != "cli.workflow_cmd":
            raise
    else:
        register_clue_workflow(clues)


def run_list(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise CliError("--limit must be 0 or more")
    query = clue_filter(args)
    with store_session(args) as store:
        cursor = store.clues.find(query).sort("last_seen", -1).limit(args.limit)
        count = 0
        for clue in cursor:
            rule, target = clue.get("rule") or {}, clue.get("target") or {}
            where = target.get("item_id") or target.get("shop_id") or "-"
            print(
                f"{clue['_id'][:12]}  {clue['last_seen']:%Y-%m-%d %H:%M}  {clue.get('status', '-'):<11} "
                f"{rule.get('severity', '-'):<3} {rule.get('family', '-'):<22} {target.get('platform', '-')}:{where}"
                f"  {rule.get('title', '')}  ×{clue.get('seen_count', 1)}"
            )
            count += 1
        total = store.clues.count_documents(query)
    print(f"{count} of {total} clue(s)", file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from review.workflow import resolve_id
    from store.schema import as_json

    with store_session(args) as store:
        clue = store.clues.find_one({"_id": resolve_id(store, args.clue_id)})
    print(json.dumps(as_json(clue), ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from reports.export import write_csv, write_jsonl, write_xlsx

    fmt = args.format or (args.output.suffix.lstrip(".").lower() if args.output else "jsonl")
    if fmt not in ("csv", "xlsx", "jsonl"):
        raise CliError(f"cannot tell the format from {str(args.output)!r}: pass --format csv|xlsx|jsonl")
    if fmt == "xlsx" and not args.output:
        raise CliError("XLSX export needs --output FILE")
    query = clue_filter(args)
    with store_session(args) as store:
        clues = store.clues.find(query).sort("last_seen", -1)
        try:
            if fmt == "xlsx":
                count = write_xlsx(clues, args.output)
            elif args.output:
                with open(args.output, "w", encoding="utf-8", newline="") as out:
                    count = (write_csv if fmt == "csv" else write_jsonl)(clues, out)
            else:
                count = (write_csv if fmt == "csv" else write_jsonl)(clues, sys.stdout)
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"exported {count} clue(s) as {fmt}" + (f" to {args.output}" if args.output else ""), file=sys.stderr)
    return 0
