"""The pipeline on one process per core, for the speed figures: chunks of texts to a process pool."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from survey.analysis.pipeline import Analysis, Engine, analyse_in_this_process, use_in_this_process

MIN_TEXTS_PER_PROCESS = 200  # below this, starting processes costs more than it saves


def freeze(engine: Engine) -> None:
    """Load every model now and set everything loaded aside from the garbage collector.

    The models live as long as the process, and walking through their hundreds of thousands of
    objects on each full collection costs a noticeable share of a large batch; frozen, the
    collector only looks at what came after.
    """
    engine.warm_up()
    gc.collect()
    gc.freeze()


def _start_worker(engine: Engine) -> None:
    use_in_this_process(engine)
    freeze(engine)


def _work(chunk: tuple[list[str], list[str | None]]) -> list[Analysis]:
    texts, hints = chunk
    return analyse_in_this_process(texts, hints, [[] for _ in texts])


def default_processes() -> int:
    """One process per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def analyse_parallel(
    texts: Sequence[str], engine: Engine, *, language_hints: Sequence[str | None], processes: int | None = None
) -> list[Analysis]:
    """Analyse texts on several processes; the same results as engine.analyse_batch, in the same order."""
    processes = processes or default_processes()
    hints = list(language_hints)
    if processes < 2 or len(texts) < 2 * MIN_TEXTS_PER_PROCESS:
        return engine.analyse_batch(texts, language_hints=hints)
    size = max(MIN_TEXTS_PER_PROCESS, -(-len(texts) // (processes * 4)))
    chunks = [(list(texts[i : i + size]), hints[i : i + size]) for i in range(0, len(texts), size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        processes, mp_context=multiprocessing.get_context(method), initializer=_start_worker, initargs=(engine,)
    ) as pool:
        return [analysis for part in pool.map(_work, chunks) for analysis in part]
