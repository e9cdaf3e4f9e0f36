import shutil
from pathlib import Path

import pytest

from rules import PackError, load_ruleset
from rules.engine import PACKS_DIR

PACK = """\
pack: {id: demo, version: 1.0.0, title: 示例}
rules:
  - id: DEMO-001
    title: 示例规则
    family: ad.absolute
    severity: S2
    class: 行为
    department: 广告
    legal_basis: [{law: 广告法, article: 第九条}]
    fields: [title]
    keywords: [最佳]
    examples: {hit: [最佳, 最佳选择], miss: [一般, 普通]}
"""


def _write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_valid_pack_loads(tmp_path):
    rs = load_ruleset(_write(tmp_path, PACK))
    assert [r.id for r in rs.rules] == ["DEMO-001"]


def test_unknown_key_names_file_line_and_rule(tmp_path):
    with pytest.raises(PackError) as err:
        load_ruleset(_write(tmp_path, PACK.replace("    fields: [title]", "    fields: [title]\n    colour: red")))
    msg = str(err.value)
    assert "demo.yaml:11" in msg and "DEMO-001" in msg and "colour" in msg


def test_bad_regex_is_refused_with_its_line(tmp_path):
    text = PACK.replace("    keywords: [最佳]", "    keywords: [最佳]\n    exclude: [{pattern: '最佳(赏味'}]")
    with pytest.raises(PackError) as err:
        load_ruleset(_write(tmp_path, text))
    assert "demo.yaml:12" in str(err.value) and "DEMO-001" in str(err.value)


def test_duplicate_rule_ids_across_packs(tmp_path):
    _write(tmp_path, PACK)
    _write(tmp_path, PACK.replace("id: demo", "id: demo-two"), "other.yaml")
    with pytest.raises(PackError, match="duplicate rule id"):
        load_ruleset(tmp_path)


def test_duplicate_yaml_keys_are_errors(tmp_path):
    with pytest.raises(PackError, match="duplicate key"):
        load_ruleset(_write(tmp_path, PACK.replace("    severity: S2", "    severity: S2\n    severity: S3")))


def test_too_few_examples(tmp_path):
    with pytest.raises(PackError, match="examples"):
        load_ruleset(_write(tmp_path, PACK.replace("miss: [一般, 普通]", "miss: [一般]")))


def test_loader_filled_fields_cannot_be_written(tmp_path):
    with pytest.raises(PackError, match="set by the loader"):
        load_ruleset(_write(tmp_path, PACK.replace("    severity: S2", "    severity: S2\n    pack_version: 9")))


def test_shipped_packs_copy_loads_and_hash_changes_with_content(tmp_path):
    dest = tmp_path / "packs"
    shutil.copytree(PACKS_DIR, dest)
    before = {p.id: p.sha256 for p in load_ruleset(dest).packs}
    path = dest / "marketing-fake.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = {p.id: p.sha256 for p in load_ruleset(dest).packs}
    assert before["marketing-fake"] != after["marketing-fake"]
    assert before["ad-absolute-terms"] == after["ad-absolute-terms"]
