"""`make bench`: run every benchmark and print its figures."""

from __future__ import annotations

from benchmarks import analysis, demo_load, forms, rerun, sync


def main() -> None:
    """Run the benchmarks one after the other."""
    analysis.run()
    sync.run()
    rerun.run()
    forms.run()
    demo_load.run()


if __name__ == "__main__":
    main()
