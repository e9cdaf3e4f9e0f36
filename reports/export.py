"""Clues as flat rows for officers' spreadsheets (CSV, XLSX) and as JSON Lines for systems."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from store.schema import as_json

COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "线索编号"), ("status", "状态"), ("family", "违法类别"), ("rule_id", "规则编号"),
    ("rule_title", "规则名称"), ("severity", "严重程度"), ("legal_basis", "法律依据"), ("pack", "规则包"),
    ("pack_version", "规则包版本"), ("platform", "平台"), ("kind", "对象类型"), ("shop_id", "店铺编号"),
    ("shop_name", "店铺名称"), ("item_id", "商品编号"), ("url", "网址"), ("uscc", "统一社会信用代码"),
    ("region", "属地"), ("field", "字段"), ("term", "命中词"), ("snippet", "上下文"),
    ("first_seen", "首次发现"), ("last_seen", "最近发现"), ("seen_count", "发现次数"), ("task_id", "监测任务"),
    ("job_id", "采集批次"), ("evidence_ids", "证据编号"), ("evidence_sha256", "证据完整性校验值"),
)  # fmt: skip
FORMATS = ("csv", "xlsx", "jsonl")


def flat_row(clue: dict[str, Any]) -> dict[str, Any]:
    rule, target, hit = clue.get("rule") or {}, clue.get("target") or {}, clue.get("hit") or {}
    evidence = clue.get("evidence") or []
    region = target.get("region") or {}
    return {
        "id": clue["_id"], "status": clue.get("status"), "family": rule.get("family"), "rule_id": rule.get("id"),
        "rule_title": rule.get("title"), "severity": rule.get("severity"),
        "legal_basis": "；".join(rule.get("legal_basis") or []), "pack": rule.get("pack"),
        "pack_version": rule.get("pack_version"), "platform": target.get("platform"), "kind": target.get("kind"),
        "shop_id": target.get("shop_id"), "shop_name": target.get("shop_name"), "item_id": target.get("item_id"),
        "url": target.get("url"), "uscc": target.get("uscc"), "region": region.get("code"),
        "field": hit.get("field"), "term": hit.get("term"), "snippet": hit.get("snippet"),
        "first_seen": clue.get("first_seen"), "last_seen": clue.get("last_seen"),
        "seen_count": clue.get("seen_count"), "task_id": clue.get("task_id"), "job_id": clue.get("job_id"),
        "evidence_ids": " ".join(e["evidence_id"] for e in evidence),
        "evidence_sha256": " ".join(e["sha256"] for e in evidence),
    }  # fmt: skip


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _rows(clues: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    for clue in clues:
        row = flat_row(clue)
        yield [_cell(row[key]) for key, _ in COLUMNS]


def write_csv(clues: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow([label for _, label in COLUMNS])
    count = 0
    for row in _rows(clues):
        writer.writerow(["" if v is None else v for v in row])
        count += 1
    return count


def write_jsonl(clues: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for clue in clues:
        out.write(json.dumps(as_json(clue), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write_xlsx(clues: Iterable[dict[str, Any]], path: Path) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("线索")
    sheet.append([label for _, label in COLUMNS])
    count = 0
    for row in _rows(clues):
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count
