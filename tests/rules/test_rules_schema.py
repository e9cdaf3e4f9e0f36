from rules.schema import SCHEMA_PATH, schema_text


def test_shipped_schema_matches_the_model():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -m rules.schema > rules/pack.schema.json"
    )
