"""The summary's counts tallied in memory while a bulk load makes its responses, instead of counted from
the rows once they are written.

The same counts as survey.services.raw_counts.count_raw, per cell (survey version, site, month):
responses, answers to questions with choices, numbers by fine bin, testimonies, responses that gave
one, sentiment bands with their sums, and counted themes. A bulk load repeats a few distinct analysed
texts, so each cell keeps how many copies of each text it holds, and what a text adds is worked out
once per cell at the end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey.disclosure import ALL, GAVE_TESTIMONY, RESPONSES, SENTIMENT, SENTIMENT_SQUARES, TESTIMONIES, YES
from survey.services.raw_counts import NUMBER, number_part
from survey.services.rollup_deltas import band, count_themes, new_changes
from survey.services.rollups import Cell

SUMMARY_COLUMNS = (
    "survey_version_id",
    "site_id",
    "month",
    "statistic",
    "part",
    "count",
    "polarity_sum",
    "polarity_count",
)


@dataclass(frozen=True)
class TestimonyCounts:
    """What one analysed testimony adds to the summary's counts."""

    band: str
    polarity: float | None
    themes: tuple[tuple[str, float | None], ...]  # its tags that count on top-level themes: theme, polarity


def testimony_counts(analysed: Mapping[str, Any], tags: Iterable[Mapping[str, Any]]) -> TestimonyCounts:
    """What a testimony adds to the counts, from its analysis's columns and its tags' (with `counts`)."""
    themes = tuple((tag["theme"], tag["polarity"]) for tag in tags if tag["counts"] and "." not in tag["theme"])
    return TestimonyCounts(band(analysed["polarity"], analysed["sentiment_note"]), analysed["polarity"], themes)


class SummaryTally:
    """The summary's counts of responses of one survey version, added a chunk of responses at a time."""

    def __init__(self, choice_questions: Collection[str], number_questions: Collection[str]) -> None:
        self.choices = {question: f"answer:{question}" for question in choice_questions}
        self.numbers = {question: NUMBER + question for question in number_questions}
        self.responses: Counter[Cell] = Counter()
        self.answers: Counter[tuple[Cell, str, str]] = Counter()
        self.told: Counter[Cell] = Counter()
        self.testimonies: Counter[tuple[Cell, TestimonyCounts]] = Counter()

    def add(
        self,
        cells: Mapping[int, Cell],
        answers: Sequence[tuple[int, str, str | None, float | None]],
        testimonies: Sequence[tuple[int, TestimonyCounts]],
    ) -> None:
        """Count responses: each one's cell by its id, their answers (response id, question, text,
        number) and their testimonies (response id, what it adds)."""
        choices, numbers = self.choices, self.numbers
        self.responses.update(cells.values())
        self.answers.update(
            (cells[response], choices[question], text)
            for response, question, text, _ in answers
            if question in choices and text is not None
        )
        self.answers.update(
            (cells[response], numbers[question], number_part(number))
            for response, question, _, number in answers
            if question in numbers and number is not None
        )
        self.told.update(cells[response] for response in {response for response, _ in testimonies})
        self.testimonies.update((cells[response], counts) for response, counts in testimonies)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The summary_count rows of what was counted, as values of SUMMARY_COLUMNS."""
        changes = new_changes()
        for cell, n in self.responses.items():
            changes[cell, RESPONSES, ALL].add(n)
        for (cell, statistic, part), n in self.answers.items():
            changes[cell, statistic, part].add(n)
        for cell, n in self.told.items():
            changes[cell, GAVE_TESTIMONY.statistic, YES].add(n)
        for (cell, counts), n in self.testimonies.items():
            polarity = counts.polarity
            changes[cell, TESTIMONIES, ALL].add(n)
            changes[cell, SENTIMENT, counts.band].add(n, polarity)
            changes[cell, SENTIMENT_SQUARES, counts.band].add(n, None if polarity is None else polarity * polarity)
            count_themes(changes, cell, counts.themes, n)  # n copies, each counted once per theme
        for ((version, site, month), statistic, part), change in changes.items():
            yield version, site, month, statistic, part, change.count, change.polarity_sum, change.polarity_count
