"""JSON Schemas of the records downstream systems read, generated from the pydantic models
and shipped next to this module (clue.schema.json, evidence.schema.json)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from store.models import Clue, EvidenceRecord

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "clue": (Clue, "clue.schema.json"),
    "evidence": (EvidenceRecord, "evidence.schema.json"),
}
HERE = Path(__file__).parent


def generate(name: str) -> dict[str, Any]:
    model, filename = SCHEMAS[name]
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"wangjian:{filename}", **schema}


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def shipped_path(name: str) -> Path:
    return HERE / SCHEMAS[name][1]


def write_shipped() -> list[Path]:
    """Regenerate the shipped schema files (run after changing store/models.py)."""
    paths = []
    for name in SCHEMAS:
        path = shipped_path(name)
        path.write_text(dumps(generate(name)), encoding="utf-8")
        paths.append(path)
    return paths


def as_json(document: Any) -> Any:
    """A stored document as the JSON a downstream system sees: datetimes in ISO 8601."""
    if isinstance(document, dict):
        return {key: as_json(value) for key, value in document.items()}
    if isinstance(document, list):
        return [as_json(value) for value in document]
    if isinstance(document, datetime):
        return document.isoformat()
    return document


if __name__ == "__main__":
    for written in write_shipped():
        print(written)
