"""Confidence intervals for a change between two periods: Newcombe's for a difference of proportions,
Welch's for a difference of means. Pure: numbers in, numbers out."""

from __future__ import annotations

import math
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
    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(a: tuple[int, int], b: tuple[int, int], confidence: float = CONFIDENCE) -> Difference:
    """The difference pB - pA of two independent proportions, each (successes, n), with Newcombe's
    hybrid score interval (Newcombe 1998, method 10), built from the two Wilson intervals."""
    p_a, p_b = a[0] / a[1], b[0] / b[1]
    low_a, high_a = wilson(*a, confidence)
    low_b, high_b = wilson(*b, confidence)
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
