"""The joint counts tallied in memory: each pair of answers of a response, counted per cell."""

from __future__ import annotations

import random
from collections import Counter

from survey.services.joint_tally import JOINT_COLUMNS, JointTally


def test_chunks_add_up_to_a_count_of_every_pair_of_answers():
    rng = random.Random(3)
    tally = JointTally(["age", "safe"], ["age", "safe", "trust"])
    expected: Counter[tuple] = Counter()
    for _ in range(4):  # chunks that meet the keys of earlier ones and bring new ones
        cells = [(1, rng.choice([None, 7, 8]), rng.choice(["2026-01", "2026-02"])) for _ in range(300)]
        answers = {q: [rng.choice(["1", "2", "3", None]) for _ in cells] for q in ("age", "safe", "trust", "other")}
        tally.add(cells, answers)
        for i, cell in enumerate(cells):
            for by in ("age", "safe"):
                for other in ("age", "safe", "trust"):
                    if other != by and answers[by][i] is not None and answers[other][i] is not None:
                        expected[(*cell, by, answers[by][i], other, answers[other][i])] += 1
    rows = [dict(zip(JOINT_COLUMNS, row, strict=True)) for row in tally.rows()]
    assert Counter({tuple(row[c] for c in JOINT_COLUMNS[:-1]): row["count"] for row in rows}) == expected
    assert len(rows) == len(expected)  # one row a key


def test_a_question_nobody_answered_in_a_chunk_counts_nothing():
    tally = JointTally(["age"], ["age", "trust"])
    tally.add([(1, 2, "2026-01")], {"age": ["1"]})
    tally.add([(1, 2, "2026-01")], {"age": ["1"], "trust": ["5"]})
    assert list(tally.rows()) == [(1, 2, "2026-01", "age", "1", "trust", "5", 1)]
