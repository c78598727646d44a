"""How far to trust the machine: theme and sentiment scores against people's labels (scikit-learn's
and SciPy's metrics), and a plain measure of speed."""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scipy.stats import pearsonr
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer
from textblob import TextBlob

from survey.analysis.codebook import Codebook
from survey.analysis.confidence import brier, reliability
from survey.analysis.learned import CodedExample, train_codebook
from survey.analysis.pipeline import Analysis, Engine
from survey.analysis.redaction_scores import NameLabels, capitalised_words, score_redaction, spans_of

NEUTRAL_BAND = 0.1  # |polarity| below this counts as neutral in the three-class accuracy


class LabelledDataError(ValueError):
    """A labelled file that cannot be read, naming the line at fault."""


@dataclass(frozen=True, slots=True)
class LabelledText:
    """A text with the themes, sentiment and language people gave it (None where unknown)."""

    text: str
    themes: frozenset[str] | None
    sentiment: float | None
    language: str | None
    names: tuple[tuple[int, int], ...] | None = None  # people's names, when the file marks them
    places: tuple[tuple[int, int], ...] = ()  # places and organisations, which redaction keeps


def _themes(value: Any, where: str) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [t for t in value.replace(";", ",").split(",") if t.strip()]
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise LabelledDataError(f"{where}: themes must be a list of text or null")
    return frozenset(t.strip() for t in value)


def _sentiment(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LabelledDataError(f"{where}: sentiment must be a number in [-1, 1] or null") from None
    if not -1.0 <= number <= 1.0 or math.isnan(number):
        raise LabelledDataError(f"{where}: sentiment {number} is outside [-1, 1]")
    return number


def _row(record: Any, where: str) -> LabelledText:
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise LabelledDataError(f"{where}: each record needs a text")
    language = record.get("language") or None
    try:
        names = spans_of(record["names"], where) if record.get("names") is not None else None
        places = spans_of(record.get("places") or [], where)
    except ValueError as error:
        raise LabelledDataError(str(error)) from None
    return LabelledText(
        record["text"],
        _themes(record.get("themes"), where),
        _sentiment(record.get("sentiment"), where),
        language,
        names,
        places,
    )


def read_labelled(path: str | Path) -> list[LabelledText]:
    """Read labelled texts from JSONL (one object a line) or CSV (text, themes, sentiment, language)."""
    source = Path(path)
    rows: list[LabelledText] = []
    with source.open(encoding="utf-8", newline="") as handle:
        if source.suffix.lower() == ".csv":
            for number, record in enumerate(csv.DictReader(handle), start=2):
                rows.append(_row(dict(record), f"{source.name} line {number}"))
            return rows
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise LabelledDataError(f"{source.name} line {number}: not JSON ({error.msg})") from None
            rows.append(_row(record, f"{source.name} line {number}"))
    return rows


def theme_scores(gold: Sequence[frozenset[str]], predicted: Sequence[frozenset[str]]) -> dict[str, Any]:
    """Precision, recall, F1 and support per theme, with macro F1 (over the themes people gave) and
    micro F1, over sets of labels."""
    labels = sorted(set().union(*gold, *predicted)) if gold else []
    if not labels:
        return {"macro_f1": 0.0, "micro_f1": 0.0, "per_theme": {}}
    binarizer = MultiLabelBinarizer(classes=labels)
    truth, guess = binarizer.fit_transform(gold), binarizer.transform(predicted)
    precision, recall, f1, support = precision_recall_fscore_support(truth, guess, average=None, zero_division=0.0)
    per_theme = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(n),
        }
        for label, p, r, f, n in zip(labels, precision, recall, f1, support, strict=True)
    }
    supported = [j for j, n in enumerate(support) if n]
    macro = f1_score(truth, guess, labels=supported, average="macro", zero_division=0.0) if supported else 0.0
    return {
        "macro_f1": round(float(macro), 4),
        "micro_f1": round(float(f1_score(truth, guess, average="micro", zero_division=0.0)), 4),
        "per_theme": per_theme,
    }


def _three_class(value: float, band: float) -> int:
    return 0 if abs(value) < band else (1 if value > 0 else -1)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when either side has no spread."""
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return round(float(pearsonr(xs, ys).statistic), 4)


def sentiment_scores(gold: Sequence[float], predicted: Sequence[float | None]) -> dict[str, Any]:
    """Pearson r and three-class accuracy over the texts the machine scored."""
    pairs = [(p, g) for g, p in zip(gold, predicted, strict=True) if p is not None]
    if not pairs:
        return {"pearson_r": None, "accuracy3": None, "n": 0}
    ps, gs = [p for p, _ in pairs], [g for _, g in pairs]
    accuracy = accuracy_score([_three_class(g, 1e-9) for g in gs], [_three_class(p, NEUTRAL_BAND) for p in ps])
    return {"pearson_r": pearson(ps, gs), "accuracy3": round(float(accuracy), 4), "n": len(pairs)}


def _rate(texts: Sequence[str], work: Callable[[Sequence[str]], object]) -> float:
    """Texts per second of one run of the work over the texts."""
    start = time.perf_counter()
    work(texts)
    seconds = time.perf_counter() - start
    return round(len(texts) / seconds, 1) if seconds > 0 else float("inf")


def bare_textblob(texts: Iterable[str]) -> list[float]:
    """The baseline: TextBlob's polarity of each whole text, nothing else."""
    return [TextBlob(text).sentiment.polarity for text in texts]


def evaluate_engine(
    data: Sequence[LabelledText], codebook: Codebook, train: Sequence[LabelledText] | None = None
) -> dict[str, Any]:
    """Score the engine on labelled data: the codebook's terms, or a codebook learned from `train`."""

    learned = None
    label_set: frozenset[str] | None = frozenset(t.key for t in codebook.top_level)
    if train is not None:
        coded = [CodedExample(t.text, t.themes) for t in train if t.themes is not None]
        learned = train_codebook(coded)
        label_set = frozenset().union(*(c.themes for c in coded))
    texts = [row.text for row in data]
    hints = [row.language for row in data]
    engine = Engine(codebook, learned)
    engine.warm_up()  # the models are loaded before the clock starts
    bare_textblob(texts[:1])
    analyses: list[Analysis] = []
    pipeline_rate = _rate(texts, lambda batch: analyses.extend(engine.analyse_batch(batch, language_hints=hints)))
    textblob_rate = _rate(texts, bare_textblob)
    themed = [(row, a) for row, a in zip(data, analyses, strict=True) if row.themes is not None]
    themes = None
    if themed:
        gold = [row.themes or frozenset() for row, _ in themed]
        predicted = [a.theme_keys & label_set if label_set is not None else a.theme_keys for _, a in themed]
        themes = theme_scores(gold, predicted)
    confidence = None
    if themed:
        pairs = [
            (t.match.confidence, t.match.theme in (row.themes or frozenset()))
            for row, a in themed
            for t in a.themes
            if "." not in t.match.theme and (label_set is None or t.match.theme in label_set)
        ]
        confidence = {"tags": len(pairs), "brier": brier(pairs), "reliability": reliability(pairs)}
    rated = [(row, a) for row, a in zip(data, analyses, strict=True) if row.sentiment is not None]
    sentiment = None
    if rated:
        sentiment = sentiment_scores(
            [row.sentiment or 0.0 for row, _ in rated], [a.sentiment.polarity for _, a in rated]
        )
    report: dict[str, Any] = {
        "themes": themes,
        "confidence": confidence,
        "sentiment": sentiment,
        "throughput": {"texts_per_s": pipeline_rate, "textblob_texts_per_s": textblob_rate},
    }
    named = [NameLabels(row.text, row.names, row.places) for row in data if row.names is not None]
    if named:
        report["redaction"] = score_redaction(named) | {"capitalised_words": score_redaction(named, capitalised_words)}
    return report


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.1f} %"


def format_redaction(scores: dict[str, Any]) -> list[str]:
    """The redaction figures as lines a person reads, next to the capitalised-words baseline."""
    lines = []
    for label, row in (("Redaction", scores), ("  capitalised words (baseline)", scores["capitalised_words"])):
        lines.append(
            f"{label}: {_percent(row['name_recall'])} of {row['name_tokens']} name words hidden; "
            f"{_percent(row['places_hidden'])} of {row['place_tokens']} place and organisation words hidden; "
            f"{_percent(row['other_capitalised_hidden'])} of {row['other_capitalised_tokens']} other capitalised words"
        )
    return lines


def format_reliability(confidence: dict[str, Any]) -> list[str]:
    """The reliability curve: in each band of confidence, how many tags people kept."""
    lines = [f"Confidence: Brier score {confidence['brier']:.3f} on {confidence['tags']} tags (0 is perfect)"]
    lines.append(f"  {'confidence':<12} {'predicted':>9} {'kept':>7} {'tags':>6}")
    for row in confidence["reliability"]:
        band = f"{row['from']:.1f}-{row['to']:.1f}"
        lines.append(f"  {band:<12} {row['predicted']:>9.3f} {row['observed']:>7.3f} {row['tags']:>6}")
    return lines


def format_report(report: dict[str, Any], texts: int) -> str:
    """The evaluation as a table a person reads."""
    lines = [f"Evaluated on {texts} texts."]
    themes = report["themes"]
    if themes is None:
        lines.append("Themes: no labels in the data.")
    else:
        lines.append(f"Themes: macro F1 {themes['macro_f1']:.3f}, micro F1 {themes['micro_f1']:.3f}")
        lines.append(f"  {'theme':<40} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
        for key, row in sorted(themes["per_theme"].items()):
            lines.append(
                f"  {key:<40} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} {row['support']:>8}"
            )
    if report.get("confidence") and report["confidence"]["tags"]:
        lines.extend(format_reliability(report["confidence"]))
    sentiment = report["sentiment"]
    if sentiment is None:
        lines.append("Sentiment: no ratings in the data.")
    elif not sentiment["n"]:
        lines.append("Sentiment: none of the rated texts could be scored (languages without a validated method).")
    else:
        r = "n/a" if sentiment["pearson_r"] is None else f"{sentiment['pearson_r']:.3f}"
        lines.append(
            f"Sentiment: Pearson r {r}, three-class accuracy {sentiment['accuracy3']:.3f}, "
            f"on {sentiment['n']} scored texts"
        )
    if "redaction" in report:
        lines.extend(format_redaction(report["redaction"]))
    speed = report["throughput"]
    lines.append(
        f"Throughput: {speed['texts_per_s']:.0f} texts/s "
        f"(bare TextBlob sentiment: {speed['textblob_texts_per_s']:.0f} texts/s)"
    )
    return "\n".join(lines)
