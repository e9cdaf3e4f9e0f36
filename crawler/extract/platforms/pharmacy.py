"""网上药店 Online pharmacies: their own sites (hosts below) and the fixture pharmacy platform.
Drug facts come from `crawler.extract.layouts.pharmacy`. A saved page with no known host is a
pharmacy's only when it names a drug by its approval number: the 互联网药品信息服务 certificate
also sits in the footers of health-food shops, clinics and portals."""

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
             "kzj365.com", "jxdyf.com", "yfdyf.com", "800pharm.com", "baiji.com.cn", "ddky.com")  # fmt: skip
    markers = ("国药准字", "互联网药品信息服务资格证书", "药品网络销售", "处方药须凭处方", *_FIXTURE)
    spider = "pharmacy"

    @classmethod
    def marker_score(cls, text: str) -> int:
        head = text[:400_000]
        if "国药准字" not in head and not any(m in head for m in _FIXTURE):
            return 0
        return super().marker_score(text)

    def read(self, text: str, url: str) -> list[Reading]:
        if any(m in text for m in _FIXTURE):
            return self.read_with_spider(text, url)
        return super().read(text, url)

    def product(self, text: str, url: str) -> Reading:
        return pharmacy.read(text, url)
