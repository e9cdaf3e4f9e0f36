"""`wangjian evidence verify|record|show`: check integrity values of stored evidence and
print one record as the Annex C 电子数据证据提取笔录."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cli import CliError
from cli.options import add_db_option, store_session


def register(sub: Any) -> None:
    parser = sub.add_parser("evidence", help="verify stored evidence; print an Annex C evidence record")
    evidence = parser.add_subparsers(dest="evidence_command", required=True, metavar="SUBCOMMAND")

    p = evidence.add_parser("verify", help="recompute every artifact and manifest hash; exit 1 on any mismatch")
    p.add_argument("--job", help="only the records of this crawl job")
    p.add_argument("--since", help="only records captured at or after: ISO date/date-time or a span such as 7d")
    add_db_option(p)
    p.set_defaults(func=run_verify)

    p = evidence.add_parser("record", help="电子数据证据提取笔录 (DB5109/T15 Annex C) of one record, as HTML")
    p.add_argument("evidence_id", metavar="ID")
    p.add_argument("--output", "-o", type=Path, help="HTML file to write (default: stdout)")
    add_db_option(p)
    p.set_defaults(func=run_record)

    p = evidence.add_parser("show", help="one evidence record as JSON")
    p.add_argument("evidence_id", metavar="ID")
    add_db_option(p)
    p.set_defaults(func=run_show)


def run_verify(args: argparse.Namespace) -> int:
    from store.clue_query import parse_time
    from store.verify import verify

    try:
        since = parse_time(args.since) if args.since else None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    with store_session(args) as store:
        records, mismatches = verify(store, args.job, since)
        store.log_access("verify", note=f"{records} record(s), {len(mismatches)} mismatch(es)")
    for mismatch in mismatches:
        print(mismatch.line())
    print(f"verified {records} evidence record(s): {len(mismatches)} mismatch(es)")
    return 1 if mismatches else 0


def _record(store: Any, evidence_id: str) -> Any:
    record = store.get_evidence(evidence_id.strip())
    if record is None:
        raise CliError(f"no evidence record {evidence_id!r}")
    return record


def run_record(args: argparse.Namespace) -> int:
    from gridfs.errors import GridFSError

    from reports.annex_c import render

    with store_session(args) as store:
        record = _record(store, args.evidence_id)
        screenshot = next((a for a in record.artifacts if a.kind == "screenshot"), None)
        try:
            image = store.read_artifact(screenshot.file_id) if screenshot else None
        except GridFSError:
            raise CliError(f"screenshot of {record.evidence_id} is missing from the artifact store") from None
        store.log_access("record", [record.evidence_id])
    document = render(record, image)
    if args.output is None:
        sys.stdout.write(document)
        return 0
    try:
        args.output.write_text(document, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from store.schema import as_json

    with store_session(args) as store:
        record = _record(store, args.evidence_id)
        store.log_access("show", [record.evidence_id])
    print(json.dumps(as_json(record.model_dump(by_alias=True)), ensure_ascii=False, indent=2))
    return 0
