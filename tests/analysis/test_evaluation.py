"""Scores against people's labels."""

from __future__ import annotations

import json

import pytest

from survey.analysis import load_codebook
from survey.analysis.evaluation import (
    LabelledDataError,
    evaluate_engine,
    pearson,
    read_labelled,
    sentiment_scores,
    theme_scores,
)
from tests import ROOT

CODEBOOK = load_codebook(ROOT / "config" / "codebook.yaml")


def test_theme_scores_by_hand():
    gold = [frozenset({"a"}), frozenset({"a", "b"}), frozenset()]
    predicted = [frozenset({"a"}), frozenset({"b"}), frozenset({"b"})]
    scores = theme_scores(gold, predicted)
    assert scores["per_theme"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert scores["per_theme"]["b"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert scores["macro_f1"] == 0.6667
    assert scores["micro_f1"] == 0.6667  # tp 2, fp 1, fn 1


def test_sentiment_scores_by_hand():
    scores = sentiment_scores([1.0, -1.0, 0.0, 0.5], [0.8, -0.4, 0.05, None])
    assert scores["n"] == 3 and scores["accuracy3"] == 1.0
    assert scores["pearson_r"] == pearson([0.8, -0.4, 0.05], [1.0, -1.0, 0.0])


def test_pearson_without_spread_is_none():
    assert pearson([1.0, 1.0], [0.0, 1.0]) is None


def test_read_labelled_names_the_bad_line(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text('{"text": "ok", "themes": null}\n{"text": "x", "sentiment": 3}\n', encoding="utf-8")
    with pytest.raises(LabelledDataError, match="line 2: sentiment 3.0 is outside"):
        read_labelled(path)


def test_read_labelled_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,themes,sentiment,language\nHay balaceras,safety;trust,-1,es\n", encoding="utf-8")
    row = read_labelled(path)[0]
    assert row.themes == frozenset({"safety", "trust"}) and row.sentiment == -1.0 and row.language == "es"


def test_evaluate_reports_every_part(tmp_path):
    rows = read_labelled(ROOT / "tests" / "data" / "testimonies_labelled.jsonl")[:40]
    report = evaluate_engine(rows, CODEBOOK)
    assert set(report) == {"themes", "confidence", "sentiment", "throughput"}
    assert set(report["themes"]) == {"macro_f1", "micro_f1", "per_theme"}
    assert set(report["sentiment"]) == {"pearson_r", "accuracy3", "n"}
    assert report["throughput"]["texts_per_s"] > 0 and report["throughput"]["textblob_texts_per_s"] > 0
    json.dumps(report)


def test_parts_without_labels_are_null():
    rows = read_labelled(ROOT / "tests" / "data" / "testimonies_labelled.jsonl")[:5]
    unlabelled = [type(r)(r.text, None, None, r.language) for r in rows]
    report = evaluate_engine(unlabelled, CODEBOOK)
    assert report["themes"] is None and report["sentiment"] is None


def test_read_labelled_takes_name_and_place_spans(tmp_path):
    path = tmp_path / "names.jsonl"
    line = {"text": "Mi vecino Carlos vive en Tumaco.", "names": [[10, 16]], "places": [[25, 31]]}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    row = read_labelled(path)[0]
    assert row.names == ((10, 16),) and row.places == ((25, 31),)
    report = evaluate_engine([row], CODEBOOK)
    assert report["redaction"]["name_recall"] == 1.0 and report["redaction"]["places_hidden"] == 0.0


def test_read_labelled_rejects_spans_that_are_not_pairs(tmp_path):
    path = tmp_path / "names.jsonl"
    path.write_text(json.dumps({"text": "Carlos", "names": [[3, 1]]}) + "\n", encoding="utf-8")
    with pytest.raises(LabelledDataError, match="names.jsonl line 1: spans"):
        read_labelled(path)
