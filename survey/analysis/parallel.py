"""Analyse large batches on several processes: re-analysis of a whole archive, benchmarks."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

from survey.analysis.codebook import Codebook
from survey.analysis.learned import LearnedCodebook
from survey.analysis.pipeline import Analysis, analyse_batch

_worker_state: dict[str, object] = {}
MIN_TEXTS_PER_PROCESS = 200  # below this, starting processes costs more than it saves


def _start_worker(codebook: Codebook, learned: LearnedCodebook | None) -> None:
    _worker_state["codebook"], _worker_state["learned"] = codebook, learned


def _work(chunk: tuple[list[str], list[str | None], list[list[str]]]) -> list[Analysis]:
    texts, hints, names = chunk
    codebook = _worker_state["codebook"]
    learned = _worker_state["learned"]
    assert isinstance(codebook, Codebook)
    return analyse_batch(
        texts,
        codebook,
        learned=learned if isinstance(learned, LearnedCodebook) else None,
        language_hints=hints,
        names=names,
    )


def default_processes() -> int:
    """One process per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def analyse_parallel(
    texts: Sequence[str],
    codebook: Codebook,
    *,
    learned: LearnedCodebook | None = None,
    language_hints: Sequence[str | None] | None = None,
    names: Sequence[Iterable[str]] | None = None,
    processes: int | None = None,
) -> list[Analysis]:
    """Analyse texts on several processes; the same results as analyse_batch, in the same order."""
    processes = processes or default_processes()
    hints = list(language_hints) if language_hints is not None else [None] * len(texts)
    given = [list(n) for n in names] if names is not None else [[] for _ in texts]
    if processes < 2 or len(texts) < 2 * MIN_TEXTS_PER_PROCESS:
        return analyse_batch(texts, codebook, learned=learned, language_hints=hints, names=given)
    size = max(MIN_TEXTS_PER_PROCESS, -(-len(texts) // (processes * 4)))
    chunks = [(list(texts[i : i + size]), hints[i : i + size], given[i : i + size]) for i in range(0, len(texts), size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(codebook, learned),
    ) as pool:
        return [analysis for part in pool.map(_work, chunks) for analysis in part]
