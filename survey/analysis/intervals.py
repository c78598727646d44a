"""Confidence intervals for a change between two periods: Newcombe's for a difference of proportions,
Welch's for a difference of means. Pure: numbers in, numbers out.

The entries of a repeat (the members of a household) are not independent: their share or mean is a
ratio over households, the clusters. Its variance is then the cluster-robust one of a ratio estimator
(linearised, households as the clusters), and the same two intervals are built on it: Wilson's with
the effective number of entries (Kish's: the entries over the design effect, never more than were
counted), Welch's with each side's degrees of freedom its households less one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import norm, t

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Difference:
    """B minus A, with the lower and upper ends of its confidence interval."""

    estimate: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """Say whether the interval leaves zero out: a change the data can tell from none."""
        return self.low > 0 or self.high < 0


def wilson(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson's score interval for a proportion (Wilson 1927)."""
    if n <= 0:
        raise ValueError("a proportion needs at least one observation")
    return _wilson(successes / n, n, confidence)


def _wilson(p: float, n: float, confidence: float) -> tuple[float, float]:
    """Wilson's interval around p for n observations, or n effective ones (a fraction, then)."""
    z = float(norm.ppf(0.5 + confidence / 2))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(a: tuple[int, int], b: tuple[int, int], confidence: float = CONFIDENCE) -> Difference:
    """The difference pB - pA of two independent proportions, each (successes, n), with Newcombe's
    hybrid score interval (Newcombe 1998, method 10), built from the two Wilson intervals."""
    return _hybrid((a[0] / a[1], wilson(*a, confidence)), (b[0] / b[1], wilson(*b, confidence)))


def _hybrid(a: tuple[float, tuple[float, float]], b: tuple[float, tuple[float, float]]) -> Difference:
    """Newcombe's difference pB - pA from each proportion and its own interval."""
    (p_a, (low_a, high_a)), (p_b, (low_b, high_b)) = a, b
    d = p_b - p_a
    low = d - math.sqrt((p_b - low_b) ** 2 + (high_a - p_a) ** 2)
    high = d + math.sqrt((high_b - p_b) ** 2 + (p_a - low_a) ** 2)
    return Difference(d, low, high)


@dataclass(frozen=True)
class Sample:
    """A sample's size, mean and (unbiased) variance."""

    n: int
    mean: float
    variance: float


def welch(a: Sample, b: Sample, confidence: float = CONFIDENCE) -> Difference:
    """The difference of means B - A with Welch's t interval (unequal variances, Welch-Satterthwaite
    degrees of freedom)."""
    if a.n < 2 or b.n < 2:
        raise ValueError("Welch's interval needs at least two values on each side")
    va, vb = a.variance / a.n, b.variance / b.n
    d = b.mean - a.mean
    se = math.sqrt(va + vb)
    if se == 0:
        return Difference(d, d, d)
    df = (va + vb) ** 2 / (va * va / (a.n - 1) + vb * vb / (b.n - 1))
    half = float(t.ppf(0.5 + confidence / 2, df)) * se
    return Difference(d, d - half, d + half)


def sample_of_counts(counts: tuple[int, ...]) -> Sample | None:
    """A five-point scale's answers as a sample of the positions 1..n, from the count of each."""
    n = sum(counts)
    if n < 2:
        return None
    mean = sum(i * c for i, c in enumerate(counts, start=1)) / n
    variance = sum(c * (i - mean) ** 2 for i, c in enumerate(counts, start=1)) / (n - 1)
    return Sample(n, mean, variance)


def sample_of_sums(n: int, total: float, squares: float) -> Sample | None:
    """A sample from its size, sum and sum of squares."""
    if n < 2:
        return None
    mean = total / n
    return Sample(n, mean, max(0.0, (squares - n * mean * mean) / (n - 1)))


@dataclass(frozen=True)
class Clusters:
    """A figure over entries held in clusters (a household's members): per cluster, its entries and the
    sum of its entries' values (1 or 0 for a share), and the sum of their squares."""

    sizes: tuple[int, ...]
    totals: tuple[float, ...]
    squares: tuple[float, ...]

    @property
    def entries(self) -> int:
        """The entries of every cluster."""
        return sum(self.sizes)

    @property
    def ratio(self) -> float:
        """The entries' mean (a share, when each entry is 1 or 0): a ratio of two sums over clusters."""
        return sum(self.totals) / self.entries

    def robust_variance(self) -> float:
        """The ratio's cluster-robust variance (linearised; CR0): sum of (total - ratio * size)^2 over
        the squared number of entries. With a cluster per entry, p(1-p)/n for a share."""
        r = self.ratio
        return sum((t - r * m) ** 2 for m, t in zip(self.sizes, self.totals, strict=True)) / self.entries**2


def clusters_of(rows: Sequence[tuple[int, float, float]]) -> Clusters | None:
    """Clusters from (entries, total, squares) rows, those of no entry left out; None when none is left."""
    kept = [row for row in rows if row[0] > 0]
    if not kept:
        return None
    return Clusters(tuple(r[0] for r in kept), tuple(r[1] for r in kept), tuple(r[2] for r in kept))


def effective_entries(share: Clusters) -> float:
    """A share's effective number of entries: its entries over the design effect (the cluster-robust
    variance over the binomial one), at most the entries; at a share of 0 or 1, whose spread says
    nothing of the clusters, as many as the clusters."""
    p, n = share.ratio, share.entries
    if p <= 0 or p >= 1:
        return float(len(share.sizes))
    design_effect = share.robust_variance() / (p * (1 - p) / n)
    return n / max(1.0, design_effect)


def clustered_newcombe(a: Clusters, b: Clusters, confidence: float = CONFIDENCE) -> Difference:
    """The difference of two independent shares of entries held in clusters, with Newcombe's interval
    built from two Wilson intervals, each on its share's effective number of entries."""
    sides = [(s.ratio, _wilson(s.ratio, effective_entries(s), confidence)) for s in (a, b)]
    return _hybrid(sides[0], sides[1])


def sample_of_clusters(clusters: Clusters) -> Sample | None:
    """The entries as one sample, whatever their clusters (its size, mean and variance, to show)."""
    total, squares = sum(clusters.totals), sum(clusters.squares)
    return sample_of_sums(clusters.entries, total, squares)


def clustered_welch(a: Clusters, b: Clusters, confidence: float = CONFIDENCE) -> Difference:
    """The difference of two independent means of entries held in clusters: Welch's interval on the
    cluster-robust variances (never under those of independent entries), with each side's degrees of
    freedom its clusters less one."""
    sides = []
    for clusters in (a, b):
        sample = sample_of_clusters(clusters)
        if sample is None or len(clusters.sizes) < 2:
            raise ValueError("a clustered interval needs at least two clusters on each side")
        sides.append((sample.mean, max(clusters.robust_variance(), sample.variance / sample.n), len(clusters.sizes)))
    (mean_a, va, ca), (mean_b, vb, cb) = sides
    d = mean_b - mean_a
    se = math.sqrt(va + vb)
    if se == 0:
        return Difference(d, d, d)
    df = (va + vb) ** 2 / (va * va / (ca - 1) + vb * vb / (cb - 1))
    half = float(t.ppf(0.5 + confidence / 2, df)) * se
    return Difference(d, d - half, d + half)
