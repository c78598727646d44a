"""`make bench`: run every benchmark and print its figures, with the peak memory each one reached."""

from __future__ import annotations

import resource
from collections.abc import Callable

from benchmarks import (
    aggregates,
    analysis,
    demo_load,
    english,
    explore,
    export_jobs,
    forms,
    openrosa,
    redaction,
    rerun,
    spanish,
    summary,
    sync,
)


def _peak_mb(who: int) -> float:
    """The largest resident set so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(who).ru_maxrss / 1024


def _measured(name: str, run: Callable[[], None]) -> None:
    run()
    print(
        f"peak memory so far, after {name}: this process {_peak_mb(resource.RUSAGE_SELF):.0f} MB, "
        f"largest child process {_peak_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )


def main() -> None:
    """Run the benchmarks one after the other."""
    _measured("analysis", analysis.run)
    _measured("English sentiment", english.run)
    _measured("Spanish sentiment", spanish.run)
    _measured("redaction", redaction.run)
    _measured("sync", sync.run)
    _measured("OpenRosa", openrosa.run)
    _measured("rerun", rerun.run)
    _measured("resident form", forms.run)
    _measured("sum() and count() over a repeat", aggregates.run)
    _measured("summary", summary.run)
    _measured("demo load", demo_load.run)
    _measured("testimony list and exports", explore.run)
    _measured("exports prepared in the background", export_jobs.run)


if __name__ == "__main__":
    main()
