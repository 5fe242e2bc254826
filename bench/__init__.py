"""`make bench`: synthetic data at 1k/10k/100k posts, gunicorn under wrk, and one markdown table.

The benchmark is not a test: nothing in CI depends on its timings. ``python -m bench --help``.
"""
