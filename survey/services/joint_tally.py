"""Joint counts tallied in memory while a bulk load makes its responses, instead of counted from the rows
once they are written.

A joint count is how many responses of a cell (survey version, site, month) gave one answer to a
select-one question and another answer to another question with choices (the joint_count table, which
survey.services.raw_counts.count_joint_raw counts from the rows). After a million responses, that
self-join of the answers is most of a demo load's time; tallied as the rows are made, a chunk of ten
thousand responses costs a few sorts of integer keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from survey.services.rollups import Cell

ANSWER_BITS = 16  # each answer's code in a key: 65,536 distinct answers to a question at most
UNANSWERED = -1
JOINT_COLUMNS = ("survey_version_id", "site_id", "month", "by_question", "by_choice", "question", "part", "count")

Keys = npt.NDArray[np.int64]


class SparseCounts:
    """Counts of integer keys, kept as two arrays sorted by key."""

    def __init__(self) -> None:
        self.keys: Keys = np.empty(0, dtype=np.int64)
        self.counts: Keys = np.empty(0, dtype=np.int64)

    def add(self, keys: Keys) -> None:
        """Count each of these keys once more."""
        new, times = np.unique(keys, return_counts=True)
        at = np.searchsorted(self.keys, new)
        known = at < len(self.keys)
        known[known] = self.keys[at[known]] == new[known]
        self.counts[at[known]] += times[known]  # the positions are distinct: each key is there once
        fresh = ~known
        self.keys = np.insert(self.keys, at[fresh], new[fresh])
        self.counts = np.insert(self.counts, at[fresh], times[fresh])


class JointTally:
    """The joint counts of responses of one survey version, added a chunk of responses at a time."""

    def __init__(self, by_questions: Sequence[str], questions: Sequence[str]) -> None:
        self.pairs = [(by, other) for by in by_questions for other in questions if other != by]
        self.answers: dict[str, dict[str, int]] = {q: {} for pair in self.pairs for q in pair}
        self.cells: dict[Cell, int] = {}
        self.counts = {pair: SparseCounts() for pair in self.pairs}

    def add(self, cells: Sequence[Cell], answers: Mapping[str, Sequence[str | None]]) -> None:
        """Count responses: each one's cell, and its answer to each question (None: not answered), in
        the same order; a question missing from answers was answered by none of them."""
        cell_codes = np.fromiter((self._cell_code(c) for c in cells), dtype=np.int64, count=len(cells))
        codes = {
            question: np.fromiter(
                (self._answer_code(question, v) for v in answers[question]), dtype=np.int64, count=len(cells)
            )
            for question in self.answers
            if question in answers
        }
        for by, other in self.pairs:
            if by not in codes or other not in codes:
                continue
            both = (codes[by] != UNANSWERED) & (codes[other] != UNANSWERED)
            keys = (cell_codes[both] << 2 * ANSWER_BITS) | (codes[by][both] << ANSWER_BITS) | codes[other][both]
            self.counts[by, other].add(keys)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The joint_count rows of what was counted, as values of JOINT_COLUMNS."""
        cells = list(self.cells)  # in the order of their codes
        answers = {question: list(found) for question, found in self.answers.items()}
        mask = (1 << ANSWER_BITS) - 1
        for (by, other), counted in self.counts.items():
            for key, n in zip(counted.keys.tolist(), counted.counts.tolist(), strict=True):
                version, site, month = cells[key >> 2 * ANSWER_BITS]
                by_choice, part = answers[by][(key >> ANSWER_BITS) & mask], answers[other][key & mask]
                yield version, site, month, by, by_choice, other, part, n

    def _cell_code(self, cell: Cell) -> int:
        code = self.cells.get(cell)
        if code is None:
            code = self.cells[cell] = len(self.cells)
        return code

    def _answer_code(self, question: str, value: str | None) -> int:
        if value is None:
            return UNANSWERED
        found = self.answers[question]
        code = found.get(value)
        if code is None:
            if len(found) >> ANSWER_BITS:
                raise ValueError(f"more than {1 << ANSWER_BITS} distinct answers to {question} to tally")
            code = found[value] = len(found)
        return code
