"""Histogram bins for numeric answers, and quartiles read from binned counts. Pure.

Answers are counted by fine bin, "<k>e<exponent>" for [k, k + 1) times 10**exponent (two significant
digits). A histogram merges them into a few bins of a round width (1, 2 or 5 times a power of ten)
no narrower than the widest fine bin, so every fine bin falls within one of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

TARGET_BINS = 8


def fine_bin(part: str) -> tuple[Decimal, Decimal]:
    """A fine bin's lower edge and width."""
    k, exponent = part.split("e")
    width = Decimal(1).scaleb(int(exponent))
    return Decimal(int(k)) * width, width


def _round_width(at_least: Decimal) -> Decimal:
    power = Decimal(1).scaleb(math.floor(math.log10(at_least)))
    return next(m * power for m in (Decimal(1), Decimal(2), Decimal(5), Decimal(10)) if m * power >= at_least)


def histogram_bins(
    parts: Iterable[str], target: int = TARGET_BINS, narrowest: Decimal = Decimal(0)
) -> tuple[list[Decimal], dict[str, int]]:
    """The edges of a histogram covering these fine bins, and the histogram bin of each fine bin;
    narrowest: 1 for whole numbers, whose bins are then never narrower than one."""
    bins = {part: fine_bin(part) for part in set(parts)}
    if not bins:
        return [], {}
    low = min(lower for lower, _ in bins.values())
    high = max(lower + width for lower, width in bins.values())
    widest = max(narrowest, *(width for _, width in bins.values()))
    width = _round_width(max(widest, (high - low) / target))
    first = (low / width).to_integral_value(rounding="ROUND_FLOOR")
    index = {
        part: int((lower / width).to_integral_value(rounding="ROUND_FLOOR") - first)
        for part, (lower, _) in bins.items()
    }
    edges = [(first + i) * width for i in range(max(index.values()) + 2)]
    return edges, index


def quantile(edges: Sequence[float], counts: Sequence[int], q: float) -> float | None:
    """The q-quantile of binned counts, spreading each bin's values evenly across it."""
    total = sum(counts)
    if not total:
        return None
    wanted = q * total
    seen = 0
    for i, n in enumerate(counts):
        if n and seen + n >= wanted:
            return edges[i] + (wanted - seen) / n * (edges[i + 1] - edges[i])
        seen += n
    return edges[-1]
