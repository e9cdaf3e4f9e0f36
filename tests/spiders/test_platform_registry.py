"""Every fixture platform has its spider and every platform spider its fixture platform, with
the extraction bound as the protocol says; a spider without one is refused."""

from __future__ import annotations

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.spiders._platform import Extraction, PlatformSpider
from fixtures import platforms


def _platform_spiders() -> dict[str, type[PlatformSpider]]:
    loader = SpiderLoader.from_settings(get_project_settings())
    spiders = (loader.load(name) for name in loader.list())
    return {cls.platform: cls for cls in spiders if issubclass(cls, PlatformSpider)}


def test_fixture_platforms_and_spiders_pair_up() -> None:
    spiders = _platform_spiders()
    assert set(spiders) == set(platforms.load())
    for key, cls in spiders.items():
        assert cls.name == key and isinstance(cls.extraction, Extraction)


def test_a_platform_spider_without_an_extraction_is_refused() -> None:
    with pytest.raises(TypeError, match="extraction = Extraction"):

        class Unbound(PlatformSpider):  # noqa: F841 - defining it is the test
            name = "unbound"
            platform = "unbound"
