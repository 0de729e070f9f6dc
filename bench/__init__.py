"""Benchmarks and the synthetic-content maker they use (`bench/make_content.py`)."""
