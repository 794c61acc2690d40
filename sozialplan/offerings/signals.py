"""Signal handlers of the offerings app (search text upkeep lives in search.py)."""
