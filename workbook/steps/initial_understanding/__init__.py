"""Step 5, initial understanding: the coalition reads the metrics, sets priorities and
brings in its own local data (the local data live in :mod:`.local`)."""
