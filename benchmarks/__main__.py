"""`make bench`: run every benchmark and print its figures, with the peak memory each one reached.

`python -m benchmarks sync summary` (or `make bench BENCH="sync summary"`) runs only those named.
"""

from __future__ import annotations

import resource
import sys
from collections.abc import Callable, Sequence

from benchmarks import (
    aggregates,
    analysis,
    demo_load,
    english,
    explore,
    export_jobs,
    forms,
    import_jobs,
    openrosa,
    redaction,
    repeat_summary,
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


# By the name a command line gives: what each measures, and how.
BENCHMARKS: dict[str, tuple[str, Callable[[], None]]] = {
    "analysis": ("analysis", analysis.run),
    "english": ("English sentiment", english.run),
    "spanish": ("Spanish sentiment", spanish.run),
    "redaction": ("redaction", redaction.run),
    "sync": ("sync", sync.run),
    "openrosa": ("OpenRosa", openrosa.run),
    "rerun": ("rerun", rerun.run),
    "forms": ("resident form", forms.run),
    "aggregates": ("sum() and count() over a repeat", aggregates.run),
    "summary": ("summary", summary.run),
    "repeat_summary": ("summary with a household roster's repeats", repeat_summary.run),
    "demo_load": ("demo load", demo_load.run),
    "explore": ("testimony list and exports", explore.run),
    "export_jobs": ("exports prepared in the background", export_jobs.run),
    "import_jobs": ("queue files imported as jobs", import_jobs.run),
}


def main(names: Sequence[str] = ()) -> None:
    """Run the benchmarks named (every one when none is) one after the other."""
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"no benchmark {', '.join(unknown)}; there are: {', '.join(BENCHMARKS)}")
    for name in names or BENCHMARKS:
        _measured(*BENCHMARKS[name])


if __name__ == "__main__":
    main(sys.argv[1:])
