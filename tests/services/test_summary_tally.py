"""The summary's counts tallied in memory: what count_raw counts from the rows, a chunk at a time."""

from __future__ import annotations

import pytest

from survey.services.summary_tally import SUMMARY_COLUMNS, SummaryTally, TestimonyCounts

CELL, OTHER = (1, 7, "2026-01"), (1, None, "2026-02")
ANGRY = TestimonyCounts("negative", -0.5, (("safety", -0.5), ("safety", -0.25), ("services", None)))
UNSCORED = TestimonyCounts("not scored:too_short", None, ())


def _rows(tally):
    return {row[:5]: row[5:] for row in tally.rows()}


def test_chunks_add_up_responses_answers_numbers_testimonies_and_themes():
    tally = SummaryTally(["safe"], ["years"])
    tally.add({1: CELL, 2: OTHER}, [(1, "safe", "5", 5.0), (1, "years", "34.2", 34.2), (2, "safe", None, None)], [])
    tally.add({3: CELL}, [(3, "safe", "5", 5.0), (3, "years", "34.7", 34.7)], [(3, ANGRY), (3, UNSCORED)])
    tally.add({4: CELL}, [], [(4, ANGRY)])
    rows = _rows(tally)
    assert rows[(*CELL, "responses", "all")] == (3, 0.0, 0) and rows[(*OTHER, "responses", "all")] == (1, 0.0, 0)
    assert rows[(*CELL, "answer:safe", "5")] == (2, 0.0, 0) and (*OTHER, "answer:safe", "5") not in rows
    assert rows[(*CELL, "number:years", "34e0")] == (2, 0.0, 0)  # the fine bin [34, 35)
    assert rows[(*CELL, "testimonies", "all")] == (3, 0.0, 0)
    assert rows[(*CELL, "gave testimony", "yes")] == (2, 0.0, 0)  # response 3 told two
    assert rows[(*CELL, "sentiment", "negative")] == (2, -1.0, 2)
    assert rows[(*CELL, "sentiment squares", "negative")] == (2, 0.5, 2)
    assert rows[(*CELL, "sentiment", "not scored:too_short")] == (1, 0.0, 0)
    assert rows[(*CELL, "theme:safety", "yes")] == (
        2,
        pytest.approx(-1.5),
        4,
    )  # once a testimony, every tag
    assert rows[(*CELL, "theme:services", "yes")] == (2, 0.0, 0)
    assert all(len(row) == len(SUMMARY_COLUMNS) for row in tally.rows())
