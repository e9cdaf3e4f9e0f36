"""A clue's fingerprint uses the rules engine's normal form of the term."""

from pipelines.clues import fingerprint


def test_variants_of_one_term_are_one_clue() -> None:
    same = {fingerprint("jd", "jd:item:1", "AD-ABS-001", t) for t in ("最佳", "最*佳", "最 佳", "ＮＯ.１", "no.1")}
    assert len(same) == 2  # 最佳 in three spellings; NO.1 full-width and half-width


def test_target_rule_and_term_each_separate_clues() -> None:
    base = fingerprint("jd", "jd:item:1", "AD-ABS-001", "最佳")
    assert base != fingerprint("jd", "jd:item:2", "AD-ABS-001", "最佳")
    assert base != fingerprint("jd", "jd:item:1", "AD-ABS-002", "最佳")
    assert base != fingerprint("jd", "jd:item:1", "AD-ABS-001", "第一")
    assert base != fingerprint("taobao", "jd:item:1", "AD-ABS-001", "最佳")
