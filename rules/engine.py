"""The rule set: packs compiled into one keyword automaton plus per-rule checks.

`RuleSet.scan(doc)` is on the crawl hot path. It normalises all text fields of a document
in one pass, runs one Aho-Corasick pass over them (the keywords and anchors of every pack,
plus the literals that gate condition, exclusion and pattern regexes), then looks only at
the rules that got a candidate (plus the few structural rules, gated by cheap conditions
first). Without a trace it runs in stages that bench/bench_rules.py times one by one.
"""

from __future__ import annotations

import functools
import re
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rules import budget
from rules import cache as rules_cache
from rules import normalise as normaliser
from rules.boundary import on_boundaries
from rules.category import GENERIC, SIGNALS_FILE, CategoryGuess, CategoryInference, given_category
from rules.checks import Finding
from rules.conditions import CompiledCondition, CompiledWhen, DocView, all_conditions, compile_when, evaluate, holds
from rules.document import Document
from rules.hit import Hit
from rules.lexicon import Lexicon, Match
from rules.literals import Regex, scouted
from rules.literals import required_literals as literals_required
from rules.loader import load_packs, visible_lexicons
from rules.matcher import KeywordMatcher, char_offsets
from rules.model import PackInfo, Rule
from rules.normalise import Normalised, NormalisedFields, normalise_all, normalise_term

PACKS_DIR = Path(__file__).parent / "packs"
#: Extra characters searched on each side of a candidate for exclusion patterns.
_CONTEXT = 40
#: An exclusion context never reaches across a sentence: "质量问题包退换。……概不退换" is still
#: a blanket refusal, while "概不退换（质量问题除外）" is a lawful limit.
#: What ends a sentence in the original text; a semicolon before 但 does not: the proviso
#: (但书) it brings in belongs to the clause before it.
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]|[；;](?!\s*但)")


def _longest_first(span: tuple[int, int]) -> tuple[int, int]:
    """Sort key of candidate spans: by start, the longest first."""
    return span[0], span[0] - span[1]


def _same_sentence(n: Normalised, start: int, end: int, m_start: int, m_end: int) -> bool:
    """Whether the normalised spans [start, end) and [m_start, m_end) sit in one sentence of
    the original text (normalisation drops the punctuation that separates sentences)."""
    if m_end <= start:
        first, second = (m_start, m_end), start
    elif m_start >= end:
        first, second = (start, end), m_start
    else:
        return True  # overlapping spans
    if not _SENTENCE_BREAK.search(n.original):
        return True  # one sentence: no need to map offsets back (the costly part)
    gap_from = n.span(*first)[1]
    gap_to = n.to_original(second)
    # no end position: a break's lookahead must see the text after the gap
    found = _SENTENCE_BREAK.search(n.original, gap_from)
    return found is None or found.start() >= gap_to


#: (rule_id, field, term, verdict, reason) — what `rules explain` prints.
Trace = Callable[[str, str, str, str, str], None]

_NONE: frozenset[int] = frozenset()
#: Document shapes (field names, category, kind, which inputs are present) whose scope is kept.
_SHAPES_CACHED = 4096

#: What `stage_locate` hands `stage_judge`: keyword spans per (field index, rule index),
#: anchored (field index, rule index) pairs, gate ids per field name.
_Located = tuple[dict[tuple[int, int], list[tuple[int, int]]], set[tuple[int, int]], dict[str, set[int]]]

#: What `RuleSet._scope_of` keeps per document shape (field names, category, kind, check
#: shapes): per field, the indexes of the rules in scope, and the structural rules to run.
_Scope = tuple[list[frozenset[int]], list["_Compiled"]]

#: Matcher payload kinds: (rule index, _KEYWORD | _ANCHOR) or (gate id, _GATE).
_KEYWORD, _ANCHOR, _GATE = 0, 1, 2


@dataclass(slots=True)
class _Exclusion:
    regex: Regex
    window: int
    severity: str | None
    #: gate id of the literals the regex needs (it cannot match in a field without one)
    gate: int | None = None
    #: how far around a candidate the regex is searched: window plus context
    reach: int = 0

    def __post_init__(self) -> None:
        self.reach = self.window + _CONTEXT


@dataclass(slots=True)
class _Compiled:
    rule: Rule
    index: int
    fields: frozenset[str]
    categories: frozenset[str] | None
    patterns: list[Regex]
    exclusions: list[_Exclusion]
    when: CompiledWhen | None
    keyword_set: frozenset[str] = field(default_factory=frozenset)
    #: the rule's anchors as the automaton matches them (normalised)
    anchor_set: frozenset[str] = field(default_factory=frozenset)
    #: gate ids of `all_of` field patterns: a structural rule cannot fire on a document
    #: where one of them was not seen (filled in with the gates)
    required_gates: frozenset[int] = frozenset()
    #: per pattern, the gate id of the literals it needs, or None (filled in with the gates)
    pattern_gates: list[int | None] = field(default_factory=list)
    #: (pattern, gate id or None) pairs of `patterns` and `pattern_gates` (filled in with the gates)
    gated_patterns: tuple[tuple[Regex, int | None], ...] = ()
    #: when every pattern has a gate, their gate ids: in an anchored field where none of them
    #: was seen, no pattern can match (filled in with the gates); None otherwise
    pattern_gate_set: frozenset[int] | None = None
    #: per pattern, the words one of which lets it run in a field: the rule's anchors and the
    #: literals of the pattern's own gate (filled in with the gates)
    triggers: tuple[frozenset[str], ...] = ()

    def pattern_spans(
        self,
        text: str,
        gates: set[int] | frozenset[int],
        found: dict[tuple[int, int], list[tuple[int, int]]] | None = None,
        field: int = 0,
    ) -> list[tuple[int, int]]:
        """The matches of the rule's patterns in `text`, a field where the automaton saw one
        of its anchors and the gate ids `gates` (a pattern whose gate was not seen cannot match).
        `found`: the spans of patterns already run on this document, by (`field`, id of the
        compiled pattern): rules share patterns (one lexicon wording in several packs), and
        one run of each per field is enough."""
        if found is None:
            return [
                m.span() for p, gate in self.gated_patterns if gate is None or gate in gates for m in p.finditer(text)
            ]
        out: list[tuple[int, int]] = []
        for p, gate in self.gated_patterns:
            if gate is None or gate in gates:
                spans = found.get((field, id(p)))
                if spans is None:
                    # most runs find nothing: one search says so without an iterator; else
                    # the matches from the first one on are those of the whole text
                    first = p.search(text)
                    spans = found[field, id(p)] = (
                        [] if first is None else [m.span() for m in p.finditer(text, first.start())]
                    )
                out += spans
        return out


def _compile(rule: Rule, index: int, regex: Callable[[str], Regex] = scouted) -> _Compiled:
    """`regex`: compiles a pattern (the rule set passes one that compiles each text once)."""
    if rule.check is not None:
        rule.check.compile()
    return _Compiled(
        rule=rule,
        index=index,
        fields=_searched_fields(rule),
        categories=frozenset(rule.category_scope) if rule.category_scope is not None else None,
        patterns=[regex(p) for p in rule.patterns],
        exclusions=[_Exclusion(regex(e.pattern), e.window, e.severity) for e in rule.exclude],
        when=compile_when(rule.when),
        keyword_set=frozenset(normalise_term(k) for k in rule.keywords),
        anchor_set=frozenset(normalise_term(a) for a in rule.anchors),
    )


def _searched_fields(rule: Rule) -> frozenset[str]:
    """Text read from detail pictures (image_text) is product description shown as
    pictures: every rule that searches the description searches it too."""
    fields = set(rule.fields)
    if "description" in fields:
        fields.add("image_text")
    return frozenset(fields)


class RuleSet:
    """Loaded packs, ready to scan documents."""

    def __init__(self, packs: list[PackInfo], rules: list[Rule], lexicons: dict[str, Lexicon] | None = None) -> None:
        self.packs = packs
        self.rules = rules
        #: the lexicons the packs were expanded with (what `lexicon_entries` explains hits by)
        self.lexicons = lexicons or {}
        self.categories = CategoryInference.load(self.lexicons) if self.lexicons else None
        #: how long `load_ruleset` took (CPU seconds) and whether it read the compiled cache
        self.load_stats: dict[str, float | bool] = {}
        self._by_id = {r.id: r for r in rules}
        active = [r for r in rules if r.status != "deprecated"]
        # one compiled object per pattern text: rules share patterns, and the scan runs each
        # shared pattern once per field (`pattern_spans`)
        regex = functools.cache(scouted)
        self._compiled = [_compile(r, i, regex) for i, r in enumerate(active)]
        # Rules with the same conditions share one compiled `when`, which the untraced scan
        # evaluates once per document.
        whens: dict[str, CompiledWhen] = {}
        for c in self._compiled:
            if c.when is not None:
                c.when = whens.setdefault(c.rule.when.model_dump_json(), c.when)
        entries: list[tuple[str, tuple[int, int]]] = []
        for c in self._compiled:
            entries += [(k, (c.index, _KEYWORD)) for k in c.keyword_set]
            entries += [(a, (c.index, _ANCHOR)) for a in c.anchor_set]
        self._keywords = list(dict.fromkeys(w for w, _ in entries if w))
        entries += self._gate_entries()
        self._matcher: KeywordMatcher[tuple[int, int]] = KeywordMatcher(entries)
        self._flatten_patterns()
        #: id of a compiled `when` → (gate ids its gated text `all_of` conditions need, and
        #: for an `any_of` of gated text and cheap conditions only: the gate ids of the former
        #: and the latter), for the whens that have either
        self._prefilter: dict[int, tuple[frozenset[int], tuple[frozenset[int], list[CompiledCondition]] | None]] = {}
        for c in self._compiled:
            if c.when is None:
                continue
            required = frozenset(cc.gate for cc in c.when.all_of if _gated_text(cc) and cc.gate is not None)
            gated = [cc for cc in c.when.any_of if _gated_text(cc)]
            cheap = [cc for cc in c.when.any_of if cc.spec.pattern is None and cc.spec.option is None]
            any_of = None
            if c.when.any_of and len(gated) + len(cheap) == len(c.when.any_of):
                any_of = (frozenset(cc.gate for cc in gated if cc.gate is not None), cheap)
            if required or any_of is not None:
                self._prefilter[id(c.when)] = (required, any_of)
        self._structural = [c for c in self._compiled if c.rule.structural]
        #: what decides which structural rules a document can fire, besides kind, category
        #: and field names: the shape of each check kind in use
        self._shapes = [
            kind.shape for kind in dict.fromkeys(type(c.rule.check) for c in self._structural if c.rule.check)
        ]
        #: (field names..., category, kind, check shapes...) → per field, indexes of the rules
        #: searching it under that category, and the structural rules to run
        self._scope: dict[tuple[object, ...], _Scope] = {}

    def _gate_entries(self) -> list[tuple[str, tuple[int, int]]]:
        """Give every condition regex with known required literals a gate id; the literals
        go into the automaton so the regex runs only on fields where one occurred. Also the
        literals of gated patterns as anchors of their rules (automaton entries both)."""
        gates: dict[frozenset[str], int] = {}
        derived: list[tuple[str, tuple[int, int]]] = []  # anchors taken from the patterns' literals
        keywords = set(self._keywords)
        # rules share conditions and exclusions: each pattern is parsed once
        required_literals = functools.cache(literals_required)

        def worth_a_gate(literals: frozenset[str] | None) -> bool:
            # A gate makes every occurrence of its literals a match to handle, which costs
            # more than it saves for short everyday words (颜色, 保证), unless they are
            # keywords or anchors already (most are).
            return bool(literals) and all(len(w) >= 3 or w in keywords for w in literals)

        for c in self._compiled:
            for cc in all_conditions(c.when):
                literals = required_literals(cc.spec.pattern) if cc.spec.pattern else None
                if literals:
                    cc.gate = gates.setdefault(literals, len(gates))
                    if cc.spec.attribute is None:
                        cc.text_gate = cc.gate
            for ex in c.exclusions:
                # Exclusions run only around candidates, so not all are worth a gate.
                literals = required_literals(ex.regex.pattern)
                if literals and worth_a_gate(literals):
                    ex.gate = gates.setdefault(literals, len(gates))
            # A rule's anchors gate all its patterns at once; each pattern worth it gets
            # a gate of its own literals as well.
            pattern_literals = [required_literals(p.pattern) for p in c.patterns]
            c.pattern_gates = [
                gates.setdefault(literals, len(gates)) if literals and worth_a_gate(literals) else None
                for literals in pattern_literals
            ]
            # The literals a gated pattern needs count as anchors of its rule too: a pattern
            # then runs wherever it can match, even where no hand-written anchor occurs (an
            # anchor list is kept by hand and misses a new branch of a pattern easily).
            hand = c.anchor_set
            c.triggers = tuple(
                hand | literals if literals and gate is not None else hand
                for literals, gate in zip(pattern_literals, c.pattern_gates, strict=True)
            )
            derived += [(w, (c.index, _ANCHOR)) for w in frozenset().union(*c.triggers) - hand]
            c.gated_patterns = tuple(zip(c.patterns, c.pattern_gates, strict=True))
            if None not in c.pattern_gates:
                c.pattern_gate_set = frozenset(g for g in c.pattern_gates if g is not None)
            c.required_gates = frozenset(
                cc.gate for cc in (c.when.all_of if c.when else []) if cc.gate is not None and cc.spec.attribute is None
            )
        if self.categories is not None:
            for signal in self.categories.signals:
                literals = required_literals(signal.regex.pattern)
                if literals:
                    signal.gate = gates.setdefault(literals, len(gates))
        return [(lit, (gate, _GATE)) for literals, gate in gates.items() for lit in literals] + derived

    def _flatten_patterns(self) -> None:
        """Per automaton pattern, what the untraced scan needs from its payloads, as flat
        tuples indexed by pattern: the gate ids it opens (a tuple, or None), the rules it is a
        keyword of, the rules it is an anchor of (tuples, or None)."""
        gates: list[tuple[int, ...] | None] = []
        keywords: list[tuple[int, ...] | None] = []
        anchors: list[tuple[int, ...] | None] = []
        for payloads in self._matcher.payloads:
            gates.append(tuple(sorted({i for i, kind in payloads if kind == _GATE})) or None)
            keywords.append(tuple(sorted({i for i, kind in payloads if kind == _KEYWORD})) or None)
            anchors.append(tuple(sorted({i for i, kind in payloads if kind == _ANCHOR})) or None)
        self._pattern_gates = tuple(gates)
        self._pattern_keywords = tuple(keywords)
        self._pattern_anchors = tuple(anchors)

    @property
    def families(self) -> set[str]:
        return {r.family for r in self.rules}

    @property
    def keywords(self) -> list[str]:
        """Every normalised keyword and anchor of the active rules (for benchmarks)."""
        return list(self._keywords)

    def rules_by_index(self, index: int) -> Rule:
        """The active rule a matcher payload index refers to."""
        return self._compiled[index].rule

    def candidates(self, text: str) -> list[tuple[int, int, list[tuple[int, bool]]]]:
        """Keyword and anchor matches on normalised `text`: (start, end, [(rule index, is_keyword)])."""
        out = []
        for start, end, payloads in self._matcher.find(text):
            rules = [(idx, kind == _KEYWORD) for idx, kind in payloads if kind != _GATE]
            if rules:
                out.append((start, end, rules))
        return out

    def lexicon_entries(self, rule_id: str, term: str) -> list[Match]:
        """The lexicon entries (with their sources) behind a hit of `rule_id` on `term`."""
        n = normalise_term(term)
        return [
            m
            for lex_id in self.rule(rule_id).lexicons
            if lex_id in self.lexicons
            for m in self.lexicons[lex_id].lookup(n)
        ]

    def rule(self, rule_id: str) -> Rule:
        try:
            return self._by_id[rule_id]
        except KeyError:
            raise KeyError(f"unknown rule id {rule_id}") from None

    def pattern_triggers(self, rule_id: str) -> list[tuple[str, frozenset[str]]]:
        """Per pattern of the rule: the pattern and the words one of which must occur in a
        field for it to run there (the rule's anchors, and the literals of its own gate); none
        for a deprecated rule, which never runs."""
        rule = self.rule(rule_id)
        c = next((c for c in self._compiled if c.rule is rule), None)
        if c is None:
            return []
        return [(p.pattern, words) for p, words in zip(c.patterns, c.triggers, strict=True)]

    # -- scanning ---------------------------------------------------------------------

    def scan(self, doc: Document, trace: Trace | None = None) -> list[Hit]:
        """Every hit of every active rule on `doc`; inside `budget.time_budget()`, raises
        budget.DetectionTimeout (with the hits found so far) once the budget is spent."""
        return self.scan_with_category(doc, trace)[0]

    def categorise(self, doc: Document) -> CategoryGuess:
        """The category the rules apply to `doc` with, and its evidence (rules/category.py)."""
        names = [f for f, text in doc.fields.items() if text]
        return self._category(doc, names, normalise_all([doc.fields[f] for f in names]) if names else None)

    def _category(
        self,
        doc: Document,
        names: list[str],
        normalised: NormalisedFields | None,
        gates: dict[str, set[int]] | None = None,
    ) -> CategoryGuess:
        """`gates`: the gate ids the automaton saw per field (a signal whose literals did not
        occur in a field is not searched there); None when the automaton has not run."""
        if self.categories is None or (doc.category is not None and doc.category != GENERIC):
            return given_category(doc.category)
        if normalised is None:
            return self.categories.infer(doc, {}, gates)
        if gates is not None and not self.categories.may_signal(gates):
            return given_category(doc.category)  # no signal's literals occur anywhere: the common case
        index = {name: i for i, name in enumerate(names)}
        return self.categories.infer(doc, lambda f: normalised[index[f]] if f in index else None, gates, names)

    def scan_with_category(self, doc: Document, trace: Trace | None = None) -> tuple[list[Hit], CategoryGuess]:
        """Every hit on `doc`, and the category they were judged under (see `scan` on budgets)."""
        hits: list[Hit] = []
        try:
            return self._scan(doc, trace, hits) if trace is not None else self._scan_fast(doc, hits)
        except budget.DetectionTimeout as exc:
            exc.hits = hits
            raise

    def _scan(self, doc: Document, trace: Trace | None, hits: list[Hit]) -> tuple[list[Hit], CategoryGuess]:
        # Normalise every field and run the automaton once over them all first, so that
        # conditions on any field see its gates.
        names = [f for f, text in doc.fields.items() if text]
        if not names:
            guess = self._category(doc, names, None)
            view = DocView(doc, category=guess.name)
            for c in self._structural_rules(doc, view, trace):
                hits += self._structural_hits(c, view, trace)
            return hits, guess
        normalised = normalise_all([doc.fields[f] for f in names])
        gates: dict[str, set[int]] = {}
        per_field: dict[int, tuple[dict[int, list[tuple[int, int]]], set[int]]] = {}
        found = self._matcher.find(normalised.joined)
        if found:
            starts = normalised.starts
            last = len(starts) - 1
            for start, end, payloads in found:
                i = bisect_right(starts, start) - 1 if last else 0
                offset = starts[i]
                entry = per_field.get(i)
                if entry is None:
                    entry = per_field[i] = ({}, set())
                keyword_cands, anchored = entry
                for idx, kind in payloads:
                    if kind == _KEYWORD:
                        if idx in keyword_cands:
                            keyword_cands[idx].append((start - offset, end - offset))
                        else:
                            keyword_cands[idx] = [(start - offset, end - offset)]
                    elif kind == _ANCHOR:
                        anchored.add(idx)
                    else:
                        gates.setdefault(names[i], set()).add(idx)
        guess = self._category(doc, names, normalised, gates)
        if trace is not None and guess.source == "inferred":
            trace("-", guess.field or "-", guess.term or "", "category", f"{guess.name} from {guess.evidence}")
        view = DocView(doc, normalised, names, gates, category=guess.name)
        candidates = [(names[i], normalised[i], kc, an) for i, (kc, an) in sorted(per_field.items()) if kc or an]
        for fname, n, keyword_cands, anchored in candidates:
            for idx in sorted(keyword_cands.keys() | anchored):
                budget.check()
                c = self._compiled[idx]
                if not self._in_scope(c, fname, view, trace, n):
                    continue
                cands = keyword_cands.get(idx, [])
                if idx in anchored:
                    cands = cands + c.pattern_spans(n.text, gates.get(fname, _NONE))
                if cands:
                    hits += self._resolve(c, fname, n, cands, view.category, gates.get(fname, _NONE), trace)
        structural = self._structural_rules(doc, view, trace, names)
        if trace is None:
            seen = set().union(*gates.values())
            structural = [c for c in structural if c.required_gates <= seen]
        for c in structural:
            budget.check()
            hits += self._structural_hits(c, view, trace)
        return hits, guess

    # -- the untraced scan, in stages (bench/bench_rules.py times each one) ------------
    #
    # `_scan` with a trace is the reference: it reports why each candidate was dropped.
    # Without one, the same hits come from four stages that do the per-match work on flat
    # tuples: normalise every field at once, one automaton pass over them all (pattern
    # indexes, no payload lists), locate the matches in their fields, judge the candidates.
    # tests/rules/test_rules_fast_path.py holds the two paths to the same hits.

    def _scan_fast(self, doc: Document, hits: list[Hit]) -> tuple[list[Hit], CategoryGuess]:
        names, fields = self.stage_normalise(doc)
        if fields is None:
            return self._scan(doc, None, hits)
        located = self.stage_locate(self.stage_automaton(fields), fields, names)
        return self.stage_judge(doc, names, fields, located, hits)

    def stage_normalise(self, doc: Document) -> tuple[list[str], NormalisedFields | None]:
        """The names of the non-empty fields and their text normalised in one pass."""
        texts = list(doc.fields.values())
        if all(texts):
            names = list(doc.fields)
        else:
            names = [f for f, text in doc.fields.items() if text]
            texts = [doc.fields[f] for f in names]
        return names, normalise_all(texts) if names else None

    def stage_automaton(self, fields: NormalisedFields) -> list[tuple[int, int, int]]:
        """One automaton pass over every field: (pattern index, start, end) in the joined text,
        as bytes of its UTF-8 (`fields.utf8`; the locate stage maps the offsets to characters)."""
        return self._matcher.find_utf8(fields.utf8)

    def stage_locate(self, found: list[tuple[int, int, int]], fields: NormalisedFields, names: list[str]) -> _Located:
        """The matches (byte offsets in `fields.utf8`) in their fields: keyword spans (field
        offsets, characters) per (field index, rule index), the anchored (field index, rule
        index) pairs, the gate ids seen per field."""
        cands: dict[tuple[int, int], list[tuple[int, int]]] = {}
        anchored: set[tuple[int, int]] = set()
        gates: dict[str, set[int]] = {}
        if not found:
            return cands, anchored, gates
        compiled = _compiled_locate()
        if compiled is not None:
            tables = (self._pattern_gates, self._pattern_keywords, self._pattern_anchors)
            return compiled(found, fields.utf8, fields.starts, *tables, names)
        return self._locate_python(char_offsets(fields.utf8, found), fields, names)

    def _locate_python(self, found: list[tuple[int, int, int]], fields: NormalisedFields, names: list[str]) -> _Located:
        """`stage_locate` as written here (rules/_fastnorm.c does the same where it was built)."""
        cands: dict[tuple[int, int], list[tuple[int, int]]] = {}
        anchored: set[tuple[int, int]] = set()
        gates: dict[str, set[int]] = {}
        pattern_gates, pattern_keywords, pattern_anchors = (
            self._pattern_gates,
            self._pattern_keywords,
            self._pattern_anchors,
        )
        starts = fields.starts
        opened: set[tuple[int, tuple[int, ...]]] = set()
        for p, s, e in found:
            f = bisect_right(starts, s) - 1
            g = pattern_gates[p]
            if g is not None:
                opened.add((f, g))
            rules = pattern_keywords[p]
            if rules is not None:
                at = starts[f]
                span = (s - at, e - at)
                for idx in rules:
                    spans = cands.get((f, idx))
                    if spans is None:
                        cands[f, idx] = [span]
                    else:
                        spans.append(span)
            rules = pattern_anchors[p]
            if rules is not None:
                anchored.update([(f, idx) for idx in rules])
        for f, g in opened:
            seen = gates.get(names[f])
            if seen is None:
                gates[names[f]] = set(g)
            else:
                seen.update(g)
        return cands, anchored, gates

    def stage_judge(
        self,
        doc: Document,
        names: list[str],
        fields: NormalisedFields,
        located: _Located,
        hits: list[Hit],
    ) -> tuple[list[Hit], CategoryGuess]:
        """Scope, conditions, boundaries and exclusions of every candidate, then the
        structural rules: the hits (appended to `hits`) and the category they were judged under."""
        cands, anchored, gates = located
        seen: set[int] | None = None  # every gate id seen in the document, when needed
        given = doc.category
        if self.categories is None or (given is not None and given != GENERIC):
            guess = given_category(given)  # what `_category` returns first, without the call
        else:
            guess = self._category(doc, names, fields, gates)
        view = DocView(doc, fields, names, gates, category=guess.name)
        category = view.category
        scope = self._scope_of(doc, names, category)
        if cands or anchored:
            in_scope = scope[0]
            keys = [k for k in (cands.keys() | anchored if anchored else cands) if k[1] in in_scope[k[0]]]
            keys.sort()
            held: dict[int, bool] = {}  # id of a compiled `when` → whether it holds on `doc`
            found: dict[tuple[int, int], list[tuple[int, int]]] = {}  # see `pattern_spans`
            compiled, resolve = self._compiled, self._resolve
            timed = budget.active()
            at = -1  # the field of the keys so far (they come field by field)
            fname, field_gates, n = "", _NONE, None
            for key in keys:
                f, idx = key
                if f != at:
                    at, fname, n = f, names[f], None
                    field_gates = gates.get(fname, _NONE)
                c = compiled[idx]
                when = c.when
                if timed:
                    budget.check()
                if c.pattern_gate_set is not None and key not in cands and c.pattern_gate_set.isdisjoint(field_gates):
                    continue  # anchored only, and no pattern of the rule can match in the field
                if when is not None:
                    ok = held.get(id(when))
                    if ok is None:
                        if seen is None:
                            seen = set().union(*gates.values())
                        ok = held[id(when)] = self._may_hold(when, view, seen) and bool(evaluate(when, view, seen))
                    if not ok:
                        continue
                if n is None:
                    n = fields[f]
                if key in anchored:
                    spans = c.pattern_spans(n.text, field_gates, found, f)
                    if key in cands:
                        spans = cands[key] + spans
                    if spans:
                        hits += resolve(c, fname, n, spans, category, field_gates, None)
                else:
                    hits += resolve(c, fname, n, cands[key], category, field_gates, None)
        structural = scope[1]
        if structural:
            if seen is None:
                seen = set().union(*gates.values())
            for c in structural:
                if c.required_gates <= seen and (c.when is None or self._may_hold(c.when, view, seen)):
                    budget.check()
                    hits += self._structural_hits(c, view, None, seen)
        return hits, guess

    def _may_hold(self, when: CompiledWhen, view: DocView, seen: set[int]) -> bool:
        """False when `when` cannot hold: a gated text condition needs its gate seen in some
        field (`seen`), so an `all_of` one whose gate was not seen fails, and so does an
        `any_of` of gated text conditions whose gates were not seen and cheap conditions
        (kind, category, attributes) that fail. True leaves the answer to `evaluate`."""
        split = self._prefilter.get(id(when))
        if split is None:
            return True
        required, any_of = split
        if not required <= seen:
            return False
        if any_of is None:
            return True
        gated, cheap = any_of
        return not gated.isdisjoint(seen) or any(holds(cc, view) for cc in cheap)

    def _scope_of(self, doc: Document, names: list[str], category: str) -> _Scope:
        """Per field of `names` (the document's non-empty fields), the indexes of the rules
        that search it under `category` (what `_in_scope` tests before the conditions), and
        the structural rules whose category scope and `all_of` kind / category tests the
        document passes and whose check has input on it. Cached by what decides that:
        documents from one spider share their field names and shape."""
        key = (*names, category, doc.kind, *[shape(doc) for shape in self._shapes])
        scope = self._scope.get(key)
        if scope is None:
            if len(self._scope) >= _SHAPES_CACHED:
                self._scope.clear()
            in_scope = [
                frozenset(
                    c.index
                    for c in self._compiled
                    if fname in c.fields and (c.categories is None or category in c.categories)
                )
                for fname in names
            ]
            structural = [
                c for c in self._structural if _may_apply(c, doc.kind, category, names) and _has_input(c, doc)
            ]
            scope = self._scope[key] = (in_scope, structural)
        return scope

    def _structural_rules(
        self, doc: Document, view: DocView, trace: Trace | None, names: list[str] | None = None
    ) -> list[_Compiled]:
        """The structural rules `_scope_of` keeps for the document (all of them when tracing,
        which reports the rest)."""
        if trace is not None:
            return self._structural
        return self._scope_of(doc, names or [], view.category)[1]

    def _in_scope(self, c: _Compiled, fname: str, view: DocView, trace: Trace | None, n: Normalised) -> bool:
        reason = ""
        if fname not in c.fields:
            reason = f"field {fname} not in rule fields"
        elif c.categories is not None and view.category not in c.categories:
            reason = f"category {view.category} out of scope"
        elif c.when is not None and not evaluate(c.when, view):
            reason = "document conditions (when) not met"
        if reason and trace is not None:
            trace(c.rule.id, fname, "*", "dropped", reason)
        return not reason

    def _resolve(
        self,
        c: _Compiled,
        fname: str,
        n: Normalised,
        cands: list[tuple[int, int]],
        category: str,
        gates: set[int] | frozenset[int],
        trace: Trace | None,
    ) -> list[Hit]:
        """The candidates of rule `c` in one field that survive its word-boundary and
        exclusion tests (`gates`: the gate ids seen in the field), as hits."""
        rule = c.rule
        exclusions = c.exclusions
        rule_severity = rule.category_severity.get(category, rule.severity)
        text = n.text
        length = len(text)
        kept: list[tuple[int, int, str]] = []
        for start, end in sorted(set(cands), key=_longest_first) if len(cands) > 1 else cands:
            severity = rule_severity
            if rule.word_boundary and not on_boundaries(text, start, end):
                if trace:
                    trace(rule.id, fname, text[start:end], "dropped", "not on a word boundary (jieba)")
                continue
            excluded = None
            for ex in exclusions:
                if ex.gate is not None and ex.gate not in gates:
                    continue  # none of the literals the regex needs occurs in this field
                lo, hi = start - ex.reach, end + ex.reach
                lo, hi = lo if lo > 0 else 0, hi if hi < length else length
                if ex.regex.search(text, lo, hi) is None:
                    continue  # the usual case: no need for the iterator below
                for m in ex.regex.finditer(text, lo, hi):
                    if (
                        m.start() < end + ex.window
                        and m.end() > start - ex.window
                        and m.end() > m.start()
                        and _same_sentence(n, start, end, m.start(), m.end())
                    ):
                        excluded = (ex, m.group(0))
                        break
                if excluded:
                    break
            if excluded is not None:
                ex, what = excluded
                if ex.severity is None:
                    if trace:
                        reason = f"exclusion {ex.regex.pattern!r} matched {what!r}"
                        trace(rule.id, fname, text[start:end], "dropped", reason)
                    continue
                severity = ex.severity
            if kept and start < kept[-1][1] and kept[-1][0] <= start:
                if trace:
                    trace(rule.id, fname, text[start:end], "dropped", "overlaps a longer hit of the same rule")
                continue
            kept.append((start, end, severity))
            if trace:
                trace(rule.id, fname, text[start:end], "kept", f"severity {severity}")
        out = []
        original = n.original
        for start, end, severity in kept:
            a, b = n.span(start, end)
            out.append(_hit(rule.id, rule.family, fname, original[a:b], a, b, severity))
        return out

    def _structural_hits(
        self, c: _Compiled, view: DocView, trace: Trace | None, seen: set[int] | None = None
    ) -> list[Hit]:
        """`seen`: see `evaluate` (the untraced scan's, every non-empty field scanned)."""
        rule = c.rule
        if c.categories is not None and view.category not in c.categories:
            return []
        anchor = evaluate(c.when, view, seen)
        if not anchor:
            if trace and rule.when is not None:
                trace(rule.id, "-", rule.term or rule.id, "dropped", "document conditions (when) not met")
            return []
        if rule.check is not None:
            findings = rule.check.findings(view)
        else:
            findings = [Finding(anchor if isinstance(anchor, str) else "attributes", rule.term or rule.title)]
        if trace:
            for f in findings:
                trace(rule.id, f.field, f.term, "kept", "structural check")
        severity = rule.category_severity.get(view.category, rule.severity)
        return [
            Hit(
                rule_id=rule.id,
                family=rule.family,
                field=f.field,
                term=f.term,
                start=f.start,
                end=f.end,
                severity=severity,
            )
            for f in findings
        ]


_HIT_FIELDS = frozenset(Hit.model_fields)
_new_object = object.__new__
_set_attribute = object.__setattr__


def _hit(rule_id: str, family: str, fname: str, term: str, start: int, end: int, severity: str) -> Hit:
    """A keyword hit, from values that have the types `Hit` declares: what
    `Hit.model_construct` makes, without its per-field generic work (one per kept candidate)."""
    hit = _new_object(Hit)
    values = {
        "rule_id": rule_id,
        "family": family,
        "field": fname,
        "term": term,
        "start": start,
        "end": end,
        "severity": severity,
    }
    _set_attribute(hit, "__dict__", values)
    _set_attribute(hit, "__pydantic_fields_set__", set(_HIT_FIELDS))
    _set_attribute(hit, "__pydantic_extra__", None)
    _set_attribute(hit, "__pydantic_private__", None)
    return hit


def _gated_text(cc: CompiledCondition) -> bool:
    """Whether condition `cc` is a text pattern searched only in fields where its gate was seen."""
    spec = cc.spec
    return cc.gate is not None and spec.pattern is not None and spec.attribute is None and spec.option is None


def _has_input(c: _Compiled, doc: Document) -> bool:
    """Whether the check of a structural rule has something to look at (tested before the
    full evaluation, which most documents would fail)."""
    return c.rule.check is None or c.rule.check.has_input(doc)


def _may_apply(c: _Compiled, kind: str, category: str, names: list[str]) -> bool:
    """Whether a structural rule can fire on a document of this kind and category whose
    non-empty text fields are `names`: its `all_of` kind and category tests pass, and each
    `all_of` text pattern limited to some fields has one of them to search."""
    if c.categories is not None and category not in c.categories:
        return False
    for cc in c.when.all_of if c.when is not None else []:
        spec = cc.spec
        if spec.kind is not None and spec.kind != kind:
            return False
        if spec.category is not None and category not in spec.category:
            return False
        searched = spec.fields if spec.pattern is not None and spec.attribute is None and spec.option is None else None
        if searched and not any(f in names for f in searched):
            return False
    return True


def _compiled_locate() -> Callable[..., _Located] | None:
    """The compiled locate stage (rules/_fastnorm.c), where the compiled normaliser is in use
    and was built with it."""
    fast = normaliser._compiled()
    return fast.locate if fast is not None else None


def load_ruleset(packs_dir: Path | None = None) -> RuleSet:
    """Load every pack of `packs_dir` (default: the shipped packs); raises PackError."""
    directory = Path(packs_dir) if packs_dir is not None else PACKS_DIR
    started = time.process_time()
    cache_key = rules_cache.key(directory, SIGNALS_FILE) if directory.is_dir() else None
    cached = rules_cache.load(cache_key) if cache_key else None
    if cached is not None:
        infos, rules, lexicons = cached
    else:
        lexicons = visible_lexicons(directory) if directory.is_dir() else {}
        infos, rules = load_packs(directory, lexicons)
        if cache_key:
            rules_cache.store(cache_key, (infos, rules, lexicons))
    rs = RuleSet(infos, rules, lexicons)
    rs.load_stats = {"cpu_seconds": time.process_time() - started, "cached": cached is not None}
    return rs
