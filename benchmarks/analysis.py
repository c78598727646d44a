"""The analysis engine on real coded feedback, next to the baselines the issue names.

Data: the NHS patient feedback set beside the repository (../shared/data), split 80/20 by a fixed
seed. Themes: the learned codebook against TF-IDF + LinearSVC trained on the same split. Sentiment:
the pipeline's polarity against bare TextBlob and bare VADER. Speed: the whole pipeline against bare
TextBlob sentiment, on the same texts, in the same run.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from benchmarks import ROOT
from benchmarks.parallel import analyse_parallel, default_processes, freeze
from survey.analysis import load_codebook
from survey.analysis.evaluation import (
    LabelledText,
    bare_textblob,
    evaluate_engine,
    pearson,
    read_labelled,
    theme_scores,
)
from survey.analysis.learned import CodedExample, train_codebook
from survey.analysis.pipeline import Engine

SEED = 13
MOST_CODED = 8  # themes also scored alone: those coded most often, each with hundreds of examples
NHS = Path(os.environ.get("VOCES_SHARED_DATA", ROOT.parent / "shared" / "data")) / "nhs_patient_feedback_v6.jsonl"
OWN = ROOT / "tests" / "data" / "testimonies_labelled.jsonl"


def compare_rates(
    texts: Sequence[str], works: dict[str, Callable[[Sequence[str]], object]], rounds: int
) -> dict[str, float]:
    """Texts per second of each work on the same texts, in turns, the best of a few rounds each.

    Taking turns puts every work through the same spells of a busy machine, and the best round is
    the one least disturbed by them, as timeit advises.
    """
    best = dict.fromkeys(works, float("inf"))
    for _ in range(rounds):
        for name, work in works.items():
            start = time.perf_counter()
            work(texts)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: round(len(texts) / seconds, 1) if seconds > 0 else float("inf") for name, seconds in best.items()}


def split(rows: list[LabelledText]) -> tuple[list[LabelledText], list[LabelledText]]:
    """Shuffle with a fixed seed and cut 80/20."""
    shuffled = rows[:]
    random.Random(SEED).shuffle(shuffled)
    cut = int(len(shuffled) * 0.8)
    return shuffled[:cut], shuffled[cut:]


def most_coded(rows: list[LabelledText], count: int) -> frozenset[str]:
    """The `count` themes coded most often."""
    counts = Counter(theme for row in rows for theme in row.themes or ())
    return frozenset(theme for theme, _ in counts.most_common(count))


def only(rows: list[LabelledText], kept: frozenset[str]) -> list[LabelledText]:
    """The texts coded with one of `kept`, with only those themes."""
    return [replace(row, themes=row.themes & kept) for row in rows if row.themes and row.themes & kept]


def baseline_themes(train: list[LabelledText], test: list[LabelledText]) -> dict[str, float]:
    """TF-IDF + LinearSVC, one-vs-rest, default settings, trained on the same split."""
    binarizer = MultiLabelBinarizer()
    y = binarizer.fit_transform([sorted(r.themes or ()) for r in train])
    vectorizer = TfidfVectorizer()
    model = OneVsRestClassifier(LinearSVC()).fit(vectorizer.fit_transform([r.text for r in train]), y)
    predicted = model.predict(vectorizer.transform([r.text for r in test]))
    sets = [frozenset(binarizer.classes_[row.nonzero()[0]]) for row in predicted]
    scores = theme_scores([r.themes or frozenset() for r in test], sets)
    return {"macro_f1": scores["macro_f1"], "micro_f1": scores["micro_f1"]}


def learned_themes(train: list[LabelledText], test: list[LabelledText]) -> tuple[dict[str, float], float]:
    """The learned codebook on the same split; returns scores and training seconds."""
    start = time.perf_counter()
    model = train_codebook(CodedExample(r.text, r.themes or frozenset()) for r in train)
    seconds = time.perf_counter() - start
    predicted = [frozenset(t.theme for t in tags) for tags in model.predict([r.text for r in test])]
    scores = theme_scores([r.themes or frozenset() for r in test], predicted)
    return {"macro_f1": scores["macro_f1"], "micro_f1": scores["micro_f1"]}, seconds


def sentiment(test: list[LabelledText]) -> dict[str, float | None]:
    """Pearson r with the coders' ratings: the pipeline, bare TextBlob, bare VADER."""
    rated = [r for r in test if r.sentiment is not None]
    gold = [r.sentiment or 0.0 for r in rated]
    codebook = load_codebook(ROOT / "config" / "codebook.yaml")
    ours = [
        a.sentiment.polarity
        for a in Engine(codebook).analyse_batch([r.text for r in rated], language_hints=["en"] * len(rated))
    ]
    vader = SentimentIntensityAnalyzer()
    return {
        "n": len(rated),
        "pipeline": pearson([p or 0.0 for p in ours], gold),
        "textblob": pearson(bare_textblob(r.text for r in rated), gold),
        "vader": pearson([vader.polarity_scores(r.text)["compound"] for r in rated], gold),
    }


def throughput(test: list[LabelledText], train: list[LabelledText]) -> dict[str, float]:
    """Texts per second: the whole pipeline (with and without a learned codebook) and bare TextBlob,
    in turns on the same texts, the best of five rounds each."""
    codebook = load_codebook(ROOT / "config" / "codebook.yaml")
    learned = train_codebook(CodedExample(r.text, r.themes or frozenset()) for r in train)
    texts = [r.text for r in test] * 4
    hints = ["en"] * len(texts)
    plain, with_learned = Engine(codebook), Engine(codebook, learned)
    freeze(plain)  # load models first: steady-state speed, as a long run has it
    freeze(with_learned)
    bare_textblob(texts[:1])
    rates = compare_rates(
        texts,
        {
            "textblob": bare_textblob,
            "pipeline": lambda b: plain.analyse_batch(b, language_hints=hints),
            "pipeline_with_learned": lambda b: with_learned.analyse_batch(b, language_hints=hints),
            "pipeline_parallel": lambda b: analyse_parallel(b, plain, language_hints=hints),
            "pipeline_parallel_with_learned": lambda b: analyse_parallel(b, with_learned, language_hints=hints),
        },
        rounds=5,
    )
    return {**rates, "processes": default_processes()}


def run() -> None:
    """Print the analysis figures."""
    print("== analysis engine ==")
    own = evaluate_engine(read_labelled(OWN), load_codebook(ROOT / "config" / "codebook.yaml"))
    print(
        f"own labelled testimonies ({OWN.name}, 200 texts, en+es): default codebook macro F1 "
        f"{own['themes']['macro_f1']:.3f}, micro F1 {own['themes']['micro_f1']:.3f}; "
        f"sentiment r {own['sentiment']['pearson_r']} on {own['sentiment']['n']} English texts"
    )
    if not NHS.exists():
        print(f"NHS feedback data not found at {NHS}: skipping the comparison on real coded feedback")
        return
    rows = read_labelled(NHS)
    train, test = split(rows)
    print(f"NHS patient feedback: {len(rows)} texts, train {len(train)} / test {len(test)} (seed {SEED})")
    base = baseline_themes(train, test)
    ours, seconds = learned_themes(train, test)
    print(
        f"themes   learned codebook  macro F1 {ours['macro_f1']:.3f}  micro F1 {ours['micro_f1']:.3f}  "
        f"(all themes, trained in {seconds:.1f} s)"
    )
    print(f"         TF-IDF+LinearSVC  macro F1 {base['macro_f1']:.3f}  micro F1 {base['micro_f1']:.3f}")
    kept = most_coded(train, MOST_CODED)  # chosen on the training part alone
    few_train, few_test = only(train, kept), only(test, kept)
    few_base = baseline_themes(few_train, few_test)
    few_ours, _ = learned_themes(few_train, few_test)
    print(
        f"themes   learned codebook  macro F1 {few_ours['macro_f1']:.3f}  micro F1 {few_ours['micro_f1']:.3f}  "
        f"({MOST_CODED} most coded themes, train {len(few_train)} / test {len(few_test)})"
    )
    print(f"         TF-IDF+LinearSVC  macro F1 {few_base['macro_f1']:.3f}  micro F1 {few_base['micro_f1']:.3f}")
    s = sentiment(test)
    print(
        f"sentiment Pearson r on {s['n']} rated texts: pipeline {s['pipeline']:.3f}  "
        f"bare TextBlob {s['textblob']:.3f}  bare VADER {s['vader']:.3f}"
    )
    t = throughput(test, train)
    tb = t["textblob"]
    print(f"speed    bare TextBlob sentiment        {tb:7.0f} texts/s (one process)")
    for key, name in (
        ("pipeline", "pipeline, one process"),
        ("pipeline_with_learned", "  + learned codebook"),
        ("pipeline_parallel", f"pipeline, {t['processes']} processes"),
        ("pipeline_parallel_with_learned", "  + learned codebook"),
    ):
        print(f"         {name:<30} {t[key]:7.0f} texts/s  ({t[key] / tb:.2f} of bare TextBlob)")
    themes = {"learned": ours, "baseline": base, "most_coded": {"learned": few_ours, "baseline": few_base}}
    print(json.dumps({"themes": themes, "sentiment": s, "throughput": t}))
