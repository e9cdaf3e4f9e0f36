"""One rule hit on one document (the `hits` entries of `wangjian rules scan`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Hit(BaseModel):
    """Where a rule matched. `start`/`end` index the original (not normalised) text of
    `field`; they are None for structural rules (options, attributes, missing content)."""

    model_config = ConfigDict(extra="forbid")

    rule_id: str
    family: str
    field: str
    term: str | None = None
    start: int | None = None
    end: int | None = None
    severity: str
