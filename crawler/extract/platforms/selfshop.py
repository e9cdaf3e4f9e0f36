"""Self-built brand stores in the mia.com style (the selfshop spider's layout: real mia.com
pages and the fixture sites); other self-built sites go to the generic reader."""

from __future__ import annotations

from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Selfshop(Platform):
    name = "selfshop"
    label = "自建网站"
    hosts = ("mia.com", "miyabaobei.com")
    markers = ("pbox_pms", 'id="J_operator"', "datacon", "mia.com")
    spider = "selfshop"

    def read(self, text: str, url: str) -> list[Reading]:
        found = self.read_with_spider(text, url)
        return found or super().read(text, url)

    def product(self, text: str, url: str) -> Reading:
        return Reading(platform=self.name, kind="product", url=url)
