"""The console's HTML pages, one router per area."""
