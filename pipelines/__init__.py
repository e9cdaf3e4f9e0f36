"""The item-pipeline stages, in crawl order: normalise → evidence → detect → clues (wired in
crawler/settings.py)."""
