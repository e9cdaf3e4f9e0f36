"""What each shop seen in a crawl displays about its operator, so that product clues carry
the operator's USCC and region (属地) just as the shop's own clues do, and can be routed to
the bureau that must act."""

from __future__ import annotations

from typing import Any

from crawler.items import ShopItem
from pipelines.models import Region
from pipelines.regions import region_for


class ShopDirectory:
    def __init__(self) -> None:
        self._shops: dict[tuple[str, str], tuple[str | None, Region | None]] = {}

    def remember(self, item: ShopItem) -> None:
        self._shops[(item.platform, item.shop_id)] = (item.uscc, region_for(item.uscc, item.address))

    def lookup(self, platform: str, shop_id: str | None) -> tuple[str | None, Region | None]:
        if shop_id is None:
            return None, None
        return self._shops.get((platform, shop_id), (None, None))

    def backfill(self, clues: Any, job_id: str) -> int:
        """Set USCC and region on this job's product clues whose shop page came after them."""
        changed = 0
        for (platform, shop_id), (uscc, region) in self._shops.items():
            if uscc is None and region is None:
                continue
            result = clues.update_many(
                {"job_id": job_id, "target.kind": "product", "target.platform": platform,
                 "target.shop_id": shop_id, "target.region": None},
                {"$set": {"target.uscc": uscc, "target.region": region.model_dump() if region else None}},
            )  # fmt: skip
            changed += result.modified_count
        return changed
