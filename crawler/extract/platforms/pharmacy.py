"""网上药店 Online pharmacies: their own sites (hosts below) and the fixture pharmacy platform.
Drug facts come from `crawler.extract.layouts.pharmacy`; pages recognised by markers are any
page showing an approval number together with a drug-sale qualification."""

from __future__ import annotations

from crawler.extract.layouts import pharmacy
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading

_FIXTURE = ('id="J_GoodsIntro"', 'id="J_StoreHead"', 'id="J_StoreList"')


@register
class Pharmacy(Platform):
    name = "pharmacy"
    label = "网上药店"
    search = "https://www.111.com.cn/search/search.action?keyWord={}"
    hosts = ("111.com.cn", "jianke.com", "yaofangwang.com", "yaofang.cn", "360kad.com", "ehaoyao.com",
             "kzj365.com", "jxdyf.com", "yfdyf.com", "800pharm.com", "baiji.com.cn")  # fmt: skip
    markers = ("国药准字", "互联网药品信息服务资格证书", "药品网络销售", "处方药须凭处方", *_FIXTURE)
    spider = "pharmacy"

    def read(self, text: str, url: str) -> list[Reading]:
        if any(m in text for m in _FIXTURE):
            return self.read_with_spider(text, url)
        return super().read(text, url)

    def product(self, text: str, url: str) -> Reading:
        return pharmacy.read(text, url)
