"""Benchmarks run by ``make bench`` (``sozialplan bench``): ratios against a baseline in the same run."""
