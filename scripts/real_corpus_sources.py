"""Regenerate the "## Sources" section of tests/rules/corpus/real/README.md from the `source`
of every corpus line, so the table never disagrees with the lines it lists.

    python scripts/real_corpus_sources.py          # rewrite the section in place
    python scripts/real_corpus_sources.py --check  # exit 1 when the section is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

REAL = Path(__file__).resolve().parents[1] / "tests" / "rules" / "corpus" / "real"
HEADING = "## Sources"
ID = re.compile(r"^(?P<prefix>[a-z]+_)(?P<number>\d+)$")


def _rows(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _ranges(ids: list[str]) -> str:
    """rv_0001, rv_0002, rv_0005 -> 'rv_0001–rv_0002, rv_0005' (ids in file order)."""
    spans: list[list[str]] = []
    previous = None
    for doc_id in ids:
        match = ID.match(doc_id)
        number = (match["prefix"], int(match["number"])) if match else None
        if spans and number and previous and number == (previous[0], previous[1] + 1):
            spans[-1][1] = doc_id
        else:
            spans.append([doc_id, doc_id])
        previous = number
    return ", ".join(a if a == b else f"{a}–{b}" for a, b in spans)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[dict]) -> tuple[list[str], int]:
    by_source: dict[tuple, list[str]] = {}
    for row in rows:
        source = row["source"]
        key = (source["publisher"], source["date"], source["title"], source["ref"])
        by_source.setdefault(key, []).append(row["doc"]["id"])
    lines = [
        "| publisher | date | title | reference | lines |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (publisher, date, title, ref), ids in by_source.items():
        cells = [_cell(publisher), date, _cell(title), _cell(ref), _ranges(ids)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines, len(by_source)


def section() -> str:
    violations = _rows(REAL / "violations.jsonl")
    clean = _rows(REAL / "clean.jsonl")
    taipei = _rows(REAL / "taipei.jsonl")
    families = Counter(family for row in violations for family in row["families"])
    ordered = sorted(families.items(), key=lambda item: (-item[1], item[0]))
    v_table, v_sources = _table(violations)
    c_table, c_sources = _table(clean)
    t_table, t_sources = _table(taipei)
    out = [
        HEADING,
        "",
        "Generated from the `source` of each line (`python scripts/real_corpus_sources.py`).",
        "",
        f"### Violations ({len(violations)} lines, {v_sources} sources)",
        "",
        "Lines per family: " + ", ".join(f"`{f}` {n}" for f, n in ordered) + ".",
        "",
        *v_table,
        "",
        f"### Clean texts ({len(clean)} lines, {c_sources} sources)",
        "",
        *c_table,
        "",
        f"### Taipei penalty tables, `taipei.jsonl` ({len(taipei)} lines, {t_sources} sources)",
        "",
        *t_table,
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is current")
    args = parser.parse_args(argv)
    readme = REAL / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index("\n" + HEADING + "\n") + 1
    rest = text[start + len(HEADING) :]
    following = re.search(r"^## ", rest, flags=re.MULTILINE)
    end = start + len(HEADING) + following.start() if following else len(text)
    tail = text[end:]
    updated = text[:start] + section() + ("\n" + tail if tail else "")
    if args.check:
        if updated != text:
            print(f"{readme}: the Sources section is out of date", file=sys.stderr)
            return 1
        return 0
    readme.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
