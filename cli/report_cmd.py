"""`wangjian report` (监测报告 for a task or a period) and `wangjian clue-doc` (Annex D
notice or Annex C evidence record for one clue)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cli import CliError
from cli.options import add_db_option, store_session


def register(sub: Any) -> None:
    report = sub.add_parser("report", help="monitoring report (HTML with charts, or XLSX tables)")
    scope = report.add_mutually_exclusive_group(required=True)
    scope.add_argument("--task", metavar="ID", help="clues of one monitoring task")
    scope.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="first day (Beijing time)")
    report.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD", help="last day, inclusive")
    report.add_argument("--format", choices=("html", "xlsx"), default="html")
    report.add_argument("--output", "-o", type=Path, help="file to write (default: stdout for html)")
    add_db_option(report)
    report.set_defaults(func=run_report)

    doc = sub.add_parser("clue-doc", help="print-ready Annex D notice or Annex C evidence record of a clue")
    doc.add_argument("clue_id", metavar="ID", help="clue id or a unique prefix (8+ hex digits)")
    doc.add_argument("--annex", choices=("D", "C"), default="D", type=str.upper)
    doc.add_argument("--output", "-o", type=Path, required=True, help="HTML file to write")
    doc.add_argument("--evidence", metavar="EVIDENCE_ID", help="Annex C: which of the clue's records (default: newest)")
    doc.add_argument("--pdf", type=Path, help="also print it to this PDF (headless Chromium)")
    doc.add_argument("--receiver", help="线索接收部门 (default: the bureau of the clue's region)")
    doc.add_argument("--sender", help="线索移交部门 (default: the rule's business department)")
    add_db_option(doc)
    doc.set_defaults(func=run_clue_doc)


def run_report(args: argparse.Namespace) -> int:
    from reports.report import build_report
    from reports.report_output import render_html, write_xlsx

    if args.since and not args.until:
        raise CliError("--since needs --until")
    if args.until and not args.since:
        raise CliError("--until needs --since")
    if args.format == "xlsx" and not args.output:
        raise CliError("--format xlsx needs --output FILE")
    with store_session(args) as store:
        try:
            report = build_report(store, task_id=args.task, since=args.since, until=args.until)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    if args.format == "xlsx":
        write_xlsx(report, args.output)
    elif args.output:
        args.output.write_text(render_html(report), encoding="utf-8")
    else:
        sys.stdout.write(render_html(report))
    if args.output:
        print(f"{report.total} clues ({report.scope}) → {args.output}", file=sys.stderr)
    return 0


def run_clue_doc(args: argparse.Namespace) -> int:
    from reports.documents import html_to_pdf, render_annex_c, render_annex_d
    from review.workflow import resolve_id

    with store_session(args) as store:
        clue_id = resolve_id(store, args.clue_id)
        if args.annex == "D":
            document = render_annex_d(store, clue_id, receiver=args.receiver, sender=args.sender)
        else:
            document = render_annex_c(store, clue_id, args.evidence)
    args.output.write_text(document, encoding="utf-8")
    if args.pdf:
        try:
            html_to_pdf(document, args.pdf)
        except Exception as exc:  # browser missing or failing to start: the HTML is still there
            raise CliError(f"PDF not written ({type(exc).__name__}: {exc}); HTML is in {args.output}") from exc
    print(f"Annex {args.annex} for clue {clue_id[:12]} → {args.output}" + (f", {args.pdf}" if args.pdf else ""))
    return 0
