"""Two periods of a survey side by side: theme shares, mean sentiment and five-point questions, each
change with a 95 % confidence interval; and the five-point and multiple-choice questions asked for each
entry of a repeat, whose intervals take each household as one cluster of entries.

Each side is a survey.disclosure View over the same protected atoms, so both obey the small-group
rule; the two periods are taken as independent samples (they should not overlap).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from survey.analysis.intervals import (
    Clusters,
    Difference,
    Sample,
    clustered_newcombe,
    clustered_welch,
    newcombe,
    sample_of_clusters,
    sample_of_counts,
    sample_of_sums,
    welch,
)
from survey.disclosure import (
    ALL,
    BANDS,
    RESPONSES,
    SENTIMENT,
    SENTIMENT_SQUARES,
    TESTIMONIES,
    YES,
    Month,
    View,
    protect,
)
from survey.models import Survey
from survey.questionnaire import Definition, Question, Repeat
from survey.services.part_counts import count_parts
from survey.services.question_summaries import summarise_choice
from survey.services.repeat_comparisons import MEAN, UPPER, RepeatSides, households_per_period


@dataclass(frozen=True)
class Period:
    """A range of months, both included ("YYYY-MM")."""

    month_from: Month
    month_to: Month


@dataclass(frozen=True)
class ShareChange:
    """A proportion in each period, (count, out of), and B minus A with Newcombe's interval."""

    key: str
    a: tuple[int, int] | None  # None: nothing published in that period
    b: tuple[int, int] | None
    difference: Difference | None


@dataclass(frozen=True)
class MeanChange:
    """A mean in each period and B minus A with Welch's interval."""

    a: Sample | None
    b: Sample | None
    difference: Difference | None


@dataclass(frozen=True)
class ScaleChange:
    """A five-point question: the share in its upper choices and its mean, in each period."""

    question: Question
    upper: ShareChange  # the choices above the middle one
    mean: MeanChange


@dataclass(frozen=True)
class RepeatChange:
    """A question asked for each entry of a repeat: shares of its entries (a five-point question's upper
    choices, each choice of a multiple-choice one) and a five-point question's mean, in each period."""

    repeat: Repeat
    question: Question
    shares: tuple[ShareChange, ...]  # keyed by UPPER, or by each choice's name
    mean: MeanChange | None  # five-point questions


@dataclass
class Comparison:
    """What the comparison page shows; a period under the minimum group size shows nothing."""

    a_responses: int | None
    b_responses: int | None
    themes: list[ShareChange] = field(default_factory=list)
    sentiment: MeanChange = field(default_factory=lambda: MeanChange(None, None, None))
    scales: list[ScaleChange] = field(default_factory=list)
    repeats: list[RepeatChange] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        """Say whether both periods can be shown."""
        return self.a_responses is not None and self.b_responses is not None


def compare_periods(
    survey: Survey,
    definition: Definition,
    a: Period,
    b: Period,
    *,
    min_group: int,
    block: int = 0,
    sites: set[int] | None = None,
) -> Comparison:
    """Compare two periods of a survey's responses, of some sites or (None) all sites together."""
    parts = count_parts(survey, definition)
    protected = protect(parts.counts, parts.partitions, min_group, parts.measures, block=block)
    views = View(protected, sites, a.month_from, a.month_to), View(protected, sites, b.month_from, b.month_to)
    sizes = [view.count(RESPONSES).value for view in views]
    shown = [n if n >= min_group else None for n in sizes]
    result = Comparison(shown[0], shown[1])
    if not result.comparable:
        return result
    themes = sorted(p.statistic for p in parts.partitions if p.statistic.startswith("theme:"))
    result.themes = [c for t in themes if (c := _theme_change(views, t)).a or c.b]
    result.sentiment = _mean_change(*(_sentiment_sample(view) for view in views))
    result.scales = [_scale_change(views, q) for q in definition.likert_questions]
    result.repeats = [_repeat_change(sides) for sides in households_per_period(survey, definition, views)]
    return result


def _share(view: View, statistic: str, population: str) -> tuple[int, int] | None:
    figure = view.count(statistic, YES)
    out_of = view.count(population, ALL, figure.sources).value  # where the part could be counted
    return (figure.value, out_of) if out_of else None


def _share_change(key: str, a: tuple[int, int] | None, b: tuple[int, int] | None) -> ShareChange:
    return ShareChange(key, a, b, newcombe(a, b) if a and b else None)


def _theme_change(views: tuple[View, View], statistic: str) -> ShareChange:
    a, b = (_share(view, statistic, TESTIMONIES) for view in views)
    return _share_change(statistic.removeprefix("theme:"), a, b)


def _mean_change(a: Sample | None, b: Sample | None) -> MeanChange:
    return MeanChange(a, b, welch(a, b) if a and b else None)


def _sentiment_sample(view: View) -> Sample | None:
    mean, n = view.mean(SENTIMENT, BANDS)
    squares, same_n = view.mean(SENTIMENT_SQUARES, BANDS)
    if mean is None or squares is None or same_n != n:
        return None
    return sample_of_sums(n, mean * n, squares * n)


def _scale_change(views: tuple[View, View], question: Question) -> ScaleChange:
    summaries = [summarise_choice(view, question) for view in views]
    upper_from = len(question.choices) // 2 + len(question.choices) % 2  # past the middle choice
    a, b = ((sum(s.counts[upper_from:]), s.counted) if s.counted else None for s in summaries)
    sample_a, sample_b = (sample_of_counts(s.counts) for s in summaries)
    return ScaleChange(question, _share_change(question.name, a, b), _mean_change(sample_a, sample_b))


def _repeat_change(sides: RepeatSides) -> RepeatChange:
    shares = tuple(_clustered_share(key, *pair) for key, pair in sides.figures.items() if key != MEAN)
    mean = None
    if MEAN in sides.figures:
        a, b = sides.figures[MEAN]
        samples = [sample_of_clusters(s) if s else None for s in (a, b)]
        clusters = (a, b) if a and b and min(len(a.sizes), len(b.sizes)) >= 2 else None
        mean = MeanChange(samples[0], samples[1], clustered_welch(*clusters) if clusters else None)
    return RepeatChange(sides.repeat, sides.question, tuple(s for s in shares if s.key == UPPER or s.a or s.b), mean)


def _clustered_share(key: str, a: Clusters | None, b: Clusters | None) -> ShareChange:
    pairs = [(round(sum(s.totals)), s.entries) if s else None for s in (a, b)]
    return ShareChange(key, pairs[0], pairs[1], clustered_newcombe(a, b) if a and b else None)
