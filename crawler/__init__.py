"""wangjian crawler: the Scrapy project (settings, items, spiders, middlewares) and the CLI."""
