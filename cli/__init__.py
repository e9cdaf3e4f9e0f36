"""`wangjian` command line. Each command group lives in its own module exposing
`register(subparsers)`; this module only wires them and turns expected failures into a
one-line error with a non-zero exit instead of a traceback."""

from __future__ import annotations

import argparse
import importlib
import sys

#: Command-group modules under cli, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "demo_cmd",
    "crawl_cmd",
    "rules_cmd",
    "extract_cmd",
    "report_cmd",
    "clues_cmd",
    "evidence_cmd",
    "schema_cmd",
    "ocr_cmd",
    "task_cmd",
    "schedule_cmd",
    "scrapyd_cmd",
    "db_cmd",
    "console_cmd",
)


class CliError(Exception):
    """An expected failure (bad input, unknown id, unreachable server): printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wangjian", description="网络交易监测 — online-transaction monitoring")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"wangjian: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
