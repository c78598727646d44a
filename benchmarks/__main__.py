"""`make bench`: run every benchmark and print its figures."""

from __future__ import annotations

from benchmarks import analysis, forms, rerun, summary, sync


def main() -> None:
    """Run the benchmarks one after the other."""
    analysis.run()
    sync.run()
    rerun.run()
    summary.run()
    forms.run()


if __name__ == "__main__":
    main()
