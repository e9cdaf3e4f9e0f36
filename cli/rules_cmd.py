"""`wangjian rules lint|test|scan|explain|diff` — run rule packs without a crawl."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from cli import CliError
from rules import PackError, RuleSet, load_ruleset
from rules.document import Document


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("rules", help="lint, test and run rule packs")
    sub = parser.add_subparsers(dest="rules_command", required=True, metavar="SUBCOMMAND")

    p = sub.add_parser("lint", help="schema and semantic checks of the packs")
    _packs_arg(p)
    p.set_defaults(func=_lint)

    p = sub.add_parser("test", help="run every rule's must-hit / must-not examples")
    _packs_arg(p)
    p.set_defaults(func=_test)

    p = sub.add_parser("scan", help="scan Documents (JSON Lines) and write hits (JSON Lines)")
    _packs_arg(p)
    p.add_argument("--input", default="-", help="JSON Lines file of Documents, or - for stdin")
    p.add_argument("--output", default="-", help="output file, or - for stdout")
    p.set_defaults(func=_scan)

    p = sub.add_parser("explain", help="show normalisation, candidates and why each was kept or dropped")
    _packs_arg(p)
    p.add_argument("text", help="text to explain")
    p.add_argument("--field", default="description", help="field the text stands in (default description)")
    p.add_argument("--category", default=None, help="document category (default unknown)")
    p.add_argument("--kind", default="product", choices=["product", "shop"])
    p.set_defaults(func=_explain)

    p = sub.add_parser("diff", help="hits gained and lost between two versions of the packs")
    p.add_argument("--old", required=True, type=Path, help="old packs directory")
    p.add_argument("--new", required=True, type=Path, help="new packs directory")
    p.add_argument("--corpus", required=True, help="JSON Lines file of Documents")
    p.set_defaults(func=_diff)


def _packs_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--packs", type=Path, default=None, help="packs directory (default: the shipped packs)")


def _load(packs: Path | None) -> RuleSet:
    try:
        return load_ruleset(packs)
    except PackError as exc:
        raise CliError(str(exc)) from None


@contextlib.contextmanager
def _open(name: str, mode: str) -> Iterator[IO[str]]:
    if name == "-":
        yield sys.stdin if "r" in mode else sys.stdout
        return
    try:
        fh = open(name, mode, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CliError(f"cannot open {name}: {exc.strerror}") from None
    with fh:
        yield fh


def _lenient(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys the Document model does not know, at every level, instead of failing."""
    known = Document.model_fields
    out = {k: v for k, v in data.items() if k in known}
    attrs = out.get("attributes")
    if isinstance(attrs, dict):
        from rules.document import Attributes

        out["attributes"] = {k: v for k, v in attrs.items() if k in Attributes.model_fields}
    opts = out.get("options")
    if isinstance(opts, list):
        from rules.document import Option

        out["options"] = [{k: v for k, v in o.items() if k in Option.model_fields} for o in opts if isinstance(o, dict)]
    fields = out.get("fields")
    if isinstance(fields, dict):
        out["fields"] = {k: v for k, v in fields.items() if isinstance(v, str)}
    if out.get("category") not in (None, "药品", "医疗器械", "化妆品", "保健食品", "食品", "普通商品"):
        out["category"] = None
    if "id" in out and not isinstance(out["id"], str):
        out["id"] = str(out["id"])
    return out


def read_documents(fh: IO[str], source: str) -> Iterator[tuple[int, Document | None, str | None]]:
    """(line number, document or None, error) for each non-blank line."""
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if isinstance(data, dict) and "doc" in data and "id" not in data and isinstance(data["doc"], dict):
                data = data["doc"]  # a labelled corpus line
            if not isinstance(data, dict):
                raise ValueError("a line must be a JSON object")
            yield lineno, Document.model_validate(_lenient(data)), None
        except (ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            yield lineno, None, f"{source}:{lineno}: skipped: {first}"


def _scan(args: argparse.Namespace) -> int:
    rs = _load(args.packs)

    with _open(args.input, "r") as fin, _open(args.output, "w") as fout:
        for _, doc, error in read_documents(fin, args.input):
            if doc is None:
                print(error, file=sys.stderr)
                continue
            hits = [h.model_dump(exclude_none=True) for h in rs.scan(doc)]
            fout.write(json.dumps({"id": doc.id, "hits": hits}, ensure_ascii=False) + "\n")
    return 0  # malformed lines are reported on stderr; the stream itself succeeded


def _lint(args: argparse.Namespace) -> int:
    from rules.lint import lint

    rs = _load(args.packs)
    problems = lint(rs)
    for p in problems:
        print(p)
    print(f"{len(rs.packs)} packs, {len(rs.rules)} rules, {len(problems)} problems")
    return 1 if any(p.startswith("error") for p in problems) else 0


def _test(args: argparse.Namespace) -> int:
    from rules.examples import run_examples

    rs = _load(args.packs)
    results = run_examples(rs)
    failures = [r for r in results if not r.ok]
    for r in failures:
        print(f"FAIL {r.rule_id} {r.expect}: {r.text}  [{r.detail}]")
    print(f"{len(results) - len(failures)} passed, {len(failures)} failed ({len(rs.rules)} rules)")
    return 1 if failures else 0


def _explain(args: argparse.Namespace) -> int:
    from rules.explain import explain

    rs = _load(args.packs)
    category = None if args.category in (None, "unknown") else args.category
    try:
        doc = Document(id="explain", kind=args.kind, category=category, fields={args.field: args.text})
    except ValidationError as exc:
        raise CliError(str(exc).splitlines()[0]) from None
    print(explain(rs, doc))
    return 0


def _diff(args: argparse.Namespace) -> int:
    old, new = _load(args.old), _load(args.new)
    gained = lost = 0
    with _open(args.corpus, "r") as fin:
        for _, doc, error in read_documents(fin, args.corpus):
            if doc is None:
                print(error, file=sys.stderr)
                continue
            before = {_key(h) for h in old.scan(doc)}
            after = {_key(h) for h in new.scan(doc)}
            for key in sorted(after - before, key=str):
                gained += 1
                print(f"+ {doc.id} {key[0]} {key[1]} {key[2]!r} @{key[3]}")
            for key in sorted(before - after, key=str):
                lost += 1
                print(f"- {doc.id} {key[0]} {key[1]} {key[2]!r} @{key[3]}")
    print(f"{gained} hits gained, {lost} hits lost")
    return 0


def _key(hit: Any) -> tuple[str, str, str | None, int | None]:
    return hit.rule_id, hit.field, hit.term, hit.start
