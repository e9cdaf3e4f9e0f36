"""Semantic checks beyond the schema: things that load fine but are probably mistakes.

What must never run (unsafe or empty-matching regexes, keywords that normalise to nothing)
is refused by the loader itself (rules/loader.py), so `lint`, `scan` and crawls agree."""

from __future__ import annotations

import re
from collections import Counter

from rules.engine import RuleSet
from rules.normalise import normalise_term
from rules.witness import samples

#: The rule families of docs/domain.md; packs may add more of the same form (warning, not error).
FAMILIES: frozenset[str] = frozenset(
    {
        "ad.absolute",
        "ad.medical_claim",
        "ad.drug",
        "licence.missing",
        "licence.invalid",
        "licence.qualification",
        "licence.review",
        "drug.banned_online",
        "drug.prescription",
        "cosmetic.claim",
        "clause.default_opt_in",
        "clause.auto_renew",
        "clause.unfair_format",
        "consumer.no_return",
        "marketing.fake",
        "price.fake_original",
    }
)
#: The id prefixes each pack file uses.
PREFIXES: dict[str, tuple[str, ...]] = {
    "ad-absolute-terms": ("AD-ABS-",),
    "subject-licence-display": ("SUBJ-LIC-",),
    "licence-images": ("LIC-IMG-",),
    "drug-online-sales": ("DRUG-",),
    "device-online-sales": ("DEV-",),
    "cosmetics-claims": ("COS-",),
    "ad-health-claims": ("AD-MED-", "AD-HF-"),
    "consumer-checkout": ("CONS-CHK-",),
    "consumer-format-terms": ("CONS-TERM-",),
    "consumer-seven-day-return": ("CONS-RET-",),
    "marketing-fake": ("MKT-",),
    "price-fraud": ("PRICE-",),
}
_HAN = re.compile(r"[\u4e00-\u9fff]")


def lint(rs: RuleSet) -> list[str]:
    """Problems as lines starting with "error" or "warning"."""
    out: list[str] = []
    for rule in rs.rules:
        where = f"{rule.pack} {rule.id}"
        if not _HAN.search(rule.title):
            out.append(f"error {where}: title must be Chinese")
        if rule.family not in FAMILIES:
            out.append(f"warning {where}: family {rule.family} is not a family of docs/domain.md")
        prefixes = PREFIXES.get(rule.pack)
        if prefixes and not rule.id.startswith(prefixes):
            out.append(f"warning {where}: id should start with {' or '.join(prefixes)}")
        counts = Counter(normalise_term(k) for k in rule.keywords)
        for word, n in counts.items():
            if n > 1:
                out.append(f"warning {where}: keyword {word!r} listed {n} times (after normalisation)")
        for k in rule.keywords:
            if normalise_term(k) != k:
                out.append(f"warning {where}: keyword {k!r} is matched as {normalise_term(k)!r}")
        for ex in rule.exclude:
            rx = re.compile(ex.pattern)
            for word in counts:
                m = rx.search(word)
                if ex.window == 0 and m and m.group(0) == word and ex.severity is None:
                    out.append(f"error {where}: keyword {word!r} is always removed by exclusion {ex.pattern!r}")
        if not any(b.verified for b in rule.legal_basis):
            out.append(f"warning {where}: no legal basis is verified against the full text")
        if rule.status != "deprecated":
            out += [f"warning {where}: {problem}" for problem in _unanchored_branches(rs, rule.id)]
    missing = FAMILIES - rs.families
    for family in sorted(missing):
        out.append(f"warning: no rule covers family {family}")
    return out


def _unanchored_branches(rs: RuleSet, rule_id: str) -> list[str]:
    """A pattern runs only in a field where one of its trigger words occurred: a text it
    matches that holds none of them is a branch that never fires."""
    out = []
    for i, (pattern, words) in enumerate(rs.pattern_triggers(rule_id), start=1):
        missed = next((text for text in samples(pattern) if not any(w in text for w in words)), None)
        if missed is not None:
            out.append(
                f"pattern {i} matches {missed!r}, which holds none of the rule's anchors: add one for that branch"
            )
    return out
