"""Programs that notebook 07 runs as separate processes (``workers.script(NAME)`` gives their path)."""
