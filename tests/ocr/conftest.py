"""OCR tests share one worker pool (one model load) for the whole session: CI has two cores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ocr.pool import OcrPool


@pytest.fixture(scope="session")
def ocr_pool() -> Iterator[OcrPool]:
    from ocr.pool import shared_pool

    pool = shared_pool(1)
    pool.warm()
    yield pool
