"""Benchmarks, run by `make bench`. Ratios measured side by side in one run, never timed tests."""
