"""`wangjian schema clue|evidence`: the JSON Schema of a stored record, generated from the
pydantic model (the same file ships as pipelines/<name>.schema.json)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    from store.schema import SCHEMAS

    parser = sub.add_parser("schema", help="print the JSON Schema of clues or evidence records")
    parser.add_argument("name", choices=sorted(SCHEMAS))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from store.schema import dumps, generate

    sys.stdout.write(dumps(generate(args.name)))
    return 0
