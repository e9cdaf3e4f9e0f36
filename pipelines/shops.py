"""What each shop seen in a crawl displays about its operator, so that product clues carry
the operator's USCC and region (属地) just as the shop's own clues do, and can be routed to
the bureau that must act."""

from __future__ import annotations

from collections import defaultdict

from pymongo import UpdateOne

from crawler.items import ShopItem
from store.models import Region
from store.regions import region_for


class ShopDirectory:
    def __init__(self) -> None:
        self._shops: dict[tuple[str, str], tuple[str | None, Region | None]] = {}
        # Product clues written before their shop's page was seen, by shop.
        self._waiting: defaultdict[tuple[str, str], set[str]] = defaultdict(set)

    def remember(self, item: ShopItem) -> None:
        self._shops[(item.platform, item.shop_id)] = (item.uscc, region_for(item.uscc, item.address))

    def lookup(self, platform: str, shop_id: str | None) -> tuple[str | None, Region | None]:
        if shop_id is None:
            return None, None
        return self._shops.get((platform, shop_id), (None, None))

    def wait_for(self, platform: str, shop_id: str | None, clue_ids: list[str]) -> None:
        """Note product clues whose shop is not known yet."""
        if shop_id is not None and (platform, shop_id) not in self._shops:
            self._waiting[(platform, shop_id)].update(clue_ids)

    def backfill_operations(self) -> list[UpdateOne]:
        """Updates (by clue id) giving the waiting product clues their shop's USCC and region."""
        ops = []
        for key, clue_ids in self._waiting.items():
            uscc, region = self._shops.get(key, (None, None))
            if uscc is None and region is None:
                continue
            facts = {"target.uscc": uscc, "target.region": region.model_dump() if region else None}
            ops.extend(UpdateOne({"_id": clue_id}, {"$set": facts}) for clue_id in sorted(clue_ids))
        return ops
