"""Human-readable account of one scan: normalised text, candidates, verdicts and reasons."""

from __future__ import annotations

from rules.category import CategoryGuess
from rules.document import Document
from rules.engine import RuleSet
from rules.normalise import normalise


def explain(rs: RuleSet, doc: Document) -> str:
    lines: list[str] = []
    for field, text in doc.fields.items():
        n = normalise(text)
        lines.append(f"[{field}] original:   {text}")
        lines.append(f"[{field}] normalised: {n.text}")
        cands = [(s, e, [rs.rules_by_index(i).id for i, _ in p]) for s, e, p in rs.candidates(n.text)]
        for s, e, ids in cands:
            lines.append(f"  candidate {n.text[s:e]!r} @{s}-{e}: {', '.join(sorted(set(ids)))}")
        if not cands:
            lines.append("  no keyword or anchor candidates")
    events: list[str] = []

    def trace(rule_id: str, field: str, term: str, verdict: str, reason: str) -> None:
        events.append(f"  {verdict:7} {rule_id} [{field}] {term!r}: {reason}")

    hits, category = rs.scan_with_category(doc, trace=trace)
    lines.append(f"category: {_category_line(category)}")
    lines.append("verdicts:")
    lines += events or ["  (none)"]
    lines.append(f"hits: {len(hits)}")
    for h in hits:
        where = f" @{h.start}-{h.end}" if h.start is not None else ""
        lines.append(f"  {h.rule_id} {h.family} {h.severity} [{h.field}] {h.term!r}{where}")
        for m in rs.lexicon_entries(h.rule_id, h.term) if h.term and h.start is not None else []:
            code = f" ({m.entry.code})" if m.entry.code else ""
            note = f"; {m.entry.note}" if m.entry.note else ""
            lines.append(f"    lexicon {m.lexicon}: {m.entry.term}{code}{note}")
            lines.append(f"      source: {m.source.publisher}《{m.source.title}》{m.source.ref}, {m.source.date}")
    return "\n".join(lines)


def _category_line(c: CategoryGuess) -> str:
    if c.source == "inferred":
        return f"{c.name} (read from the page: {c.evidence} {c.term!r} in {c.field})"
    if c.source == "document":
        return f"{c.name} (given by the document)"
    return "unknown (none given, none read from the page)"
