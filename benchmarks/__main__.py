"""`make bench`: run every benchmark and print its figures."""

from __future__ import annotations

from benchmarks import analysis, forms, redaction, rerun, sync


def main() -> None:
    """Run the benchmarks one after the other."""
    analysis.run()
    redaction.run()
    sync.run()
    rerun.run()
    forms.run()


if __name__ == "__main__":
    main()
