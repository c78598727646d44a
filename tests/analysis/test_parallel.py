"""Several processes give the same results as one."""

from __future__ import annotations

from survey.analysis import load_codebook
from survey.analysis.evaluation import read_labelled
from survey.analysis.parallel import analyse_parallel
from survey.analysis.pipeline import analyse_batch
from tests import ROOT

CODEBOOK = load_codebook(ROOT / "config" / "codebook.yaml")


def test_parallel_matches_one_process():
    rows = read_labelled(ROOT / "tests" / "data" / "testimonies_labelled.jsonl") * 2
    texts, hints = [r.text for r in rows], [r.language for r in rows]
    one = analyse_batch(texts, CODEBOOK, language_hints=hints)
    two = analyse_parallel(texts, CODEBOOK, language_hints=hints, processes=2)
    assert [(a.theme_keys, a.sentiment, a.redaction.text) for a in one] == [
        (a.theme_keys, a.sentiment, a.redaction.text) for a in two
    ]
