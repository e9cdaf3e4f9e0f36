"""蘑菇街 Mogujie: item pages (see `crawler.extract.layouts.mogujie`), category and search
pages as listings of ``goods_item`` cards."""

from __future__ import annotations

from crawler.extract.layouts import listing, mogujie
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Mogujie(Platform):
    name = "mogujie"
    label = "蘑菇街"
    priority = 2
    search = "https://list.mogujie.com/s?q={}"
    hosts = ("mogujie.com", "mogu.com", "mogujie.cn")
    markers = ("mogucdn.com", "mogujie.com", "蘑菇街")

    def read(self, text: str, url: str) -> list[Reading]:
        if "goods_item" in text and "J_NowPrice" not in text:
            return [listing.read(text, url, self.name)]
        return super().read(text, url)

    def product(self, text: str, url: str) -> Reading:
        return mogujie.read(text, url)
