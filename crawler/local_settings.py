"""Scrapy settings for crawls of the fixture platforms served on this machine.

The project settings are polite to real platforms (AutoThrottle, a delay and two requests in
flight per site); a fixture platform on 127.0.0.1 is our own test server, so its crawls in
the tests, the demo and the benchmarks run at full speed. Selected with
SCRAPY_SETTINGS_MODULE=crawler.local_settings, or given one by one as LOCAL_PLATFORM_SETTINGS
where the settings module cannot be chosen (a scrapyd deployment).
"""

from crawler.settings import *  # noqa: F403 - everything else exactly as in production

LOCAL_PLATFORM_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}
globals().update(LOCAL_PLATFORM_SETTINGS)
