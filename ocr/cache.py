"""Readings cached by the picture's SHA-256, on disk: the same licence picture on every item
of a shop, or on every crawl of it, is read once. One JSON file per picture, written
atomically (temp file + rename) so a crash never leaves half a reading; a reading made by
another engine version is a miss."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from ocr.reading import ImageReading


class OcrCache:
    def __init__(self, root: Path, engine: str = "") -> None:
        self.root = root
        self.engine = engine

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str) -> ImageReading | None:
        path = self._path(sha256)
        try:
            reading = ImageReading.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None
        if self.engine and reading.engine != self.engine:
            return None
        return reading

    def put(self, reading: ImageReading) -> None:
        path = self._path(reading.sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(reading.model_dump(mode="json"), out, ensure_ascii=False)
        os.replace(tmp, path)
