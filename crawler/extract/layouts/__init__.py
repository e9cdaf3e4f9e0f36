"""Layouts learned from real captured pages, one module per platform family. Each reads what
its platform's pages are known to carry and returns an `Reading`; the generic reader fills
in what a layout does not know."""
