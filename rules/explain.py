"""Human-readable account of one scan: normalised text, candidates, verdicts and reasons."""

from __future__ import annotations

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

    hits = rs.scan(doc, trace=trace)
    lines.append("verdicts:")
    lines += events or ["  (none)"]
    lines.append(f"hits: {len(hits)}")
    for h in hits:
        where = f" @{h.start}-{h.end}" if h.start is not None else ""
        lines.append(f"  {h.rule_id} {h.family} {h.severity} [{h.field}] {h.term!r}{where}")
    return "\n".join(lines)
