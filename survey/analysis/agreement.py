"""Agreement between coders on yes/no codings: percent agreement, Cohen's kappa and Krippendorff's alpha.

A reliability matrix has a row per coder and a column per unit (a testimony and a code): 1.0 when
the coder applied the code, 0.0 when they coded the testimony without it, NaN when they have not
coded the testimony. Only units that at least two coders coded can show agreement or disagreement.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Agreement:
    """How far coders agree on a set of units; None where a figure is not defined."""

    units: int  # units coded by at least two coders
    percent: float | None  # share of those units on which every coder gave the same answer, 0 to 100
    kappa: float | None  # Cohen's kappa: two coders only, on the units both coded
    alpha: float | None  # Krippendorff's alpha (nominal): any number of coders, missing codings allowed


def measure_agreement(matrix: Sequence[Sequence[float]]) -> Agreement:
    """Measure the agreement of a reliability matrix (a row per coder, a column per unit)."""
    data = np.asarray(matrix, dtype=float).reshape(len(matrix), -1)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    units = pairable.shape[1]
    if units == 0:
        return Agreement(0, None, None, None)
    same = [len(set(column[~np.isnan(column)])) == 1 for column in pairable.T]
    percent = 100.0 * sum(same) / units
    # Every answer the same: chance agreement is complete and both coefficients are 0/0, not defined.
    varied = len(set(pairable[~np.isnan(pairable)])) > 1
    return Agreement(units, percent, _kappa(pairable) if varied else None, _alpha(pairable) if varied else None)


def _kappa(data: np.ndarray) -> float | None:
    if data.shape[0] != 2:
        return None
    both = data[:, ~np.isnan(data).any(axis=0)]
    if both.shape[1] == 0:
        return None
    kappa = cohen_kappa_score(both[0], both[1], labels=[0.0, 1.0], replace_undefined_by=np.nan)
    return None if np.isnan(kappa) else float(kappa)


def _alpha(data: np.ndarray) -> float:
    """Krippendorff's alpha, nominal, from NLTK's implementation: units coded once are left out."""
    codings = [
        (str(coder), str(unit), int(value))
        for coder, row in enumerate(data)
        for unit, value in enumerate(row)
        if not np.isnan(value)
    ]
    return float(AnnotationTask(data=codings).alpha())


def allocate(sizes: Mapping[K, int], n: int) -> dict[K, int]:
    """Split a sample of n across strata of these sizes: one each when n allows, the rest in proportion.

    The rest goes by the largest remainder (ties to the stratum first in sorted order), so the counts
    add up to n, or to every unit when n is larger.
    """
    strata = sorted((k for k, size in sizes.items() if size > 0), key=str)
    n = min(n, sum(sizes[k] for k in strata))
    taken = {k: 1 if n >= len(strata) else 0 for k in strata}
    room = {k: sizes[k] - taken[k] for k in strata}
    rest, total_room = n - sum(taken.values()), sum(room.values())
    if rest and total_room:
        shares = {k: rest * room[k] / total_room for k in strata}
        for k in strata:
            taken[k] += int(shares[k])
        leftover = n - sum(taken.values())
        by_remainder = sorted(strata, key=lambda k: -(shares[k] - int(shares[k])))
        for k in by_remainder[:leftover]:
            taken[k] += 1
    return {k: count for k, count in taken.items() if count}


def stratified_sample(strata: Mapping[K, Sequence[int]], n: int, seed: int) -> list[int]:
    """Draw n ids at random across strata (allocate's split), the same ids again for the same seed."""
    chooser = random.Random(seed)
    counts = allocate({k: len(ids) for k, ids in strata.items()}, n)
    drawn: list[int] = []
    for k in sorted(counts, key=str):
        drawn += chooser.sample(sorted(strata[k]), counts[k])
    return sorted(drawn)
