"""Spanish sentiment on labelled Spanish text, next to the alternatives, in the same run.

Data: the shared Spanish sets beside the repository (../shared/data/es) and Voces's own labelled
testimonies. XED is cut 80/10/10 by the seed the shipped model was trained with: its model learned
from the first part, the blend was chosen on the second, and only the third is measured here as
held out. SentiMP-21 (tweets rated by people) and the held-out testimonies were never used for
training or tuning; the labelled testimonies are in the model's training data. The figures on
data that was tuned or trained on are printed too, marked as such.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from benchmarks import ROOT
from survey.analysis import load_codebook
from survey.analysis.evaluation import LabelledText, bare_textblob, pearson, read_labelled
from survey.analysis.pipeline import Engine
from survey.analysis.spanish_lexicon import lexicon_polarity
from survey.analysis.spanish_model import spanish_model
from survey.analysis.train_spanish import split_three

SHARED = Path(os.environ.get("VOCES_SHARED_DATA", ROOT.parent / "shared" / "data")) / "es"
XED = SHARED / "sentiment_xed_es.jsonl"
SENTIMP = SHARED / "sentiment_sentimp21_es.jsonl"
OWN = ROOT / "tests" / "data" / "testimonies_labelled.jsonl"
HELDOUT = ROOT / "tests" / "data" / "testimonies_heldout.jsonl"


def _spanish(path: Path) -> list[LabelledText]:
    return [r for r in read_labelled(path) if r.language == "es" and r.sentiment is not None]


def alternatives() -> dict[str, Callable[[Sequence[str]], list[float]]]:
    """TextBlob, VADER and, when it is installed, the PyPI package `sentiment-analysis-spanish`."""
    vader = SentimentIntensityAnalyzer()
    found: dict[str, Callable[[Sequence[str]], list[float]]] = {
        "textblob": lambda texts: bare_textblob(texts),
        "vader": lambda texts: [vader.polarity_scores(t)["compound"] for t in texts],
    }
    try:
        from sentiment_analysis_spanish.sentiment_analysis import SentimentAnalysisSpanish
    except ImportError:
        return found
    with warnings.catch_warnings():  # its pickles were written by an old scikit-learn
        warnings.simplefilter("ignore")
        package = SentimentAnalysisSpanish()

    def senti_py(texts: Sequence[str]) -> list[float]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [float(package.sentiment(t)) for t in texts]

    found["sentiment-analysis-spanish"] = senti_py
    return found


def measure(
    rows: Sequence[LabelledText], engine: Engine, others: dict[str, Callable[[Sequence[str]], list[float]]]
) -> dict[str, object]:
    """Pearson r of Voces (the stored text-level polarity) and of each alternative, on the same texts."""
    texts = [r.text for r in rows]
    gold = [r.sentiment or 0.0 for r in rows]
    analyses = engine.analyse_batch(texts, language_hints=["es"] * len(texts))
    scored = [
        (a.sentiment.polarity, g) for a, g in zip(analyses, gold, strict=True) if a.sentiment.polarity is not None
    ]
    model = spanish_model()
    figures: dict[str, object] = {
        "n": len(rows),
        "voces_scored": len(scored),
        "voces": pearson([p for p, _ in scored], [g for _, g in scored]),
        "lexicon_only": pearson([lexicon_polarity(t) for t in texts], gold),
        "model_only": pearson([model.score(t)[0] for t in texts], gold),
    }
    for name, score in others.items():
        figures[name] = pearson(score(texts), gold)
    return figures


def run() -> None:
    """Print Spanish sentiment figures on each labelled set."""
    print("== Spanish sentiment (Pearson r with people's ratings) ==")
    engine = Engine(load_codebook(ROOT / "config" / "codebook.yaml"))
    sets: list[tuple[str, list[LabelledText]]] = [("own testimonies, held out", _spanish(HELDOUT))]
    if SENTIMP.exists():
        sets.append(("SentiMP-21 tweets, never used", _spanish(SENTIMP)))
    if XED.exists():
        _, dev, test = split_three(_spanish(XED))
        sets.append(("XED subtitles, held-out tenth", test))
        sets.append(("XED subtitles, development tenth (tuned on)", dev))
    else:
        print(f"Spanish data not found at {SHARED}: only Voces's own testimonies are measured")
    sets.append(("own testimonies, in the model's training data", _spanish(OWN)))
    results = {}
    others = alternatives()  # loaded once: the PyPI package unpickles 30 MB
    for name, rows in sets:
        figures = measure(rows, engine, others)
        results[name] = figures
        listed = "  ".join(
            f"{key} {value:.3f}" if isinstance(value, float) else f"{key} n/a"
            for key, value in figures.items()
            if key not in {"n", "voces_scored", "voces"}
        )
        voces = figures["voces"]
        shown = f"{voces:.3f}" if isinstance(voces, float) else "n/a"
        print(f"{name} ({figures['voces_scored']}/{figures['n']} scored): Voces {shown}  |  {listed}")
    try:
        import sentiment_analysis_spanish  # noqa: F401
    except ImportError:
        print("(sentiment-analysis-spanish is not installed: pip install sentiment-analysis-spanish to compare)")
    print(json.dumps({"spanish_sentiment": results}))
