"""The suite runs from a checkout: tests/data and config/ are read from it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
