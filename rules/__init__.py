"""Rules engine: YAML rule packs compiled into one matcher, scanning `Document`s into `Hit`s.

A pure library (no Scrapy, no MongoDB): the pipelines, `wangjian rules …` and outside
evaluators all use it the same way::

    rs = load_ruleset()
    hits = rs.scan(doc)
"""

from rules.engine import RuleSet, load_ruleset
from rules.loader import PackError
from rules.model import LegalBasis, PackInfo, Rule

__all__ = ["LegalBasis", "PackError", "PackInfo", "Rule", "RuleSet", "load_ruleset"]
