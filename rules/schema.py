"""JSON Schema of a pack file, generated from the pydantic model (rules/pack.schema.json).

Regenerate after changing rules/model.py: `python -m rules.schema > rules/pack.schema.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rules.loader import _DERIVED
from rules.model import PackFile

SCHEMA_PATH = Path(__file__).parent / "pack.schema.json"


def pack_schema() -> dict[str, Any]:
    schema = PackFile.model_json_schema(by_alias=True, mode="validation")
    rule = schema["$defs"]["Rule"]
    for key in _DERIVED:
        rule["properties"].pop(key, None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "wangjian rule pack"
    return schema


def schema_text() -> str:
    return json.dumps(pack_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
