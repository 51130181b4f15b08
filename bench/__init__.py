"""Benchmarks: quality on real labelled Korean text and speed per stage, printed as tables.

Data is read from `../shared/bench/` (never copied into the repo); a missing file is skipped.
"""
