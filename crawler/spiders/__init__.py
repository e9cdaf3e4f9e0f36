"""One spider per platform. Spiders only extract: each module writes pure extraction functions
over HTML and binds them to its spider class as an `Extraction` (crawler/spiders/_platform.py),
so they also run on saved pages (`wangjian extract`); the spider yields `ShopItem` /
`ProductItem` with the page captures attached."""
