"""`make bench`: speed and memory of the pipeline at district, province and national scale.

Run from the repository root: `python -m bench` (see bench/bench.py). Not part of the
installed package: it generates its own inputs and measures the package from outside.
"""
