"""Benchmarks of the public pages on a synthetic national directory. Run with ``make bench``."""
