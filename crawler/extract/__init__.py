"""Reading pages of any platform: which platform a page belongs to (`platforms`), the layouts
learned from real captured pages (`layouts`), and a generic reader for the long tail
(`generic`, `structured`). Everything here is pure: page text and URL in, fields out, each
field tagged with the strategy that produced it."""
