"""Benchmarks: figures measured against a baseline in the same run; they report, never fail."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # benchmarks run from a checkout: they read tests/data and config/
