"""One spider per platform. Spiders only extract: each module exposes pure extraction
functions over HTML (usable on saved pages by `wangjian extract`) and a Scrapy spider that
yields `ShopItem` / `ProductItem` with the page captures attached."""
