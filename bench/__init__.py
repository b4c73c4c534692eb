"""The bench: how Footprint copes with a very large log (run with `python -m bench`)."""
