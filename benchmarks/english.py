"""English sentiment by kind of text, next to VADER alone, TextBlob alone and the old fixed mean.

Data: the NHS patient feedback beside the repository (../shared/data), cut 80/20 by the seed of
`benchmarks.analysis`. The blend's weights were chosen looking at the first part (development)
only; the second (held out) was not used to choose anything. Short informal posts: the few written
for the tests (tests/data/informal_posts.jsonl), which the weights were also chosen on. Every
method reads the same texts in the same run; "fixed mean" is how Voces blended before 2026.12.4.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from benchmarks import ROOT
from benchmarks.analysis import NHS, split
from survey.analysis.evaluation import LabelledText, bare_textblob, pearson, read_labelled
from survey.analysis.sentiment import english_readings, score_english

POSTS = ROOT / "tests" / "data" / "informal_posts.jsonl"
# Kinds of text by length in words: the patient feedback runs from "Nothing." to long letters.
KINDS: dict[str, Callable[[str], bool]] = {
    "all": lambda text: True,
    "short (<= 8 words)": lambda text: len(text.split()) <= 8,
    "middle (9-40 words)": lambda text: 8 < len(text.split()) <= 40,
    "long (> 40 words)": lambda text: len(text.split()) > 40,
}


def methods() -> dict[str, Callable[[Sequence[str]], list[float]]]:
    """Each method as texts -> polarities: Voces now, Voces before, bare VADER, bare TextBlob."""
    vader = SentimentIntensityAnalyzer()

    def fixed_mean(texts: Sequence[str]) -> list[float]:
        return [(polarity + compound) / 2 for polarity, _, compound in map(english_readings, texts)]

    return {
        "Voces": lambda texts: [score_english(text).polarity or 0.0 for text in texts],
        "fixed mean": fixed_mean,
        "VADER alone": lambda texts: [vader.polarity_scores(text)["compound"] for text in texts],
        "TextBlob alone": bare_textblob,
    }


def by_kind(rows: Sequence[LabelledText]) -> dict[str, dict[str, float | int | None]]:
    """Pearson r of every method on every kind of text in rows."""
    figures: dict[str, dict[str, float | int | None]] = {}
    for kind, belongs in KINDS.items():
        chosen = [r for r in rows if r.sentiment is not None and belongs(r.text)]
        gold = [r.sentiment or 0.0 for r in chosen]
        texts = [r.text for r in chosen]
        figures[kind] = {"n": len(chosen)} | {name: pearson(m(texts), gold) for name, m in methods().items()}
    return figures


def _print(title: str, figures: dict[str, dict[str, float | int | None]]) -> None:
    print(title)
    names = list(methods())
    print(f"  {'kind':<22}{'n':>6}" + "".join(f"{name:>16}" for name in names))
    for kind, row in figures.items():
        cells = "".join(f"{'-' if row[n] is None else format(row[n], '.3f'):>16}" for n in names)
        print(f"  {kind:<22}{row['n']:>6}{cells}")


def run() -> None:
    """Print English sentiment r by kind of text."""
    print("== English sentiment by kind of text (Pearson r with people's ratings) ==")
    posts = [json.loads(line) for line in POSTS.read_text(encoding="utf-8").splitlines()]
    written = [LabelledText(p["text"], None, p["sentiment"], "en") for p in posts]
    results = {"informal_posts": by_kind(written)}
    _print(
        f"short informal posts written for the tests ({len(written)}; weights chosen on them)",
        results["informal_posts"],
    )
    if NHS.exists():
        development, held_out = split(read_labelled(NHS))
        results["nhs_development"] = by_kind(development)
        results["nhs_held_out"] = by_kind(held_out)
        _print("NHS patient feedback, development part (weights chosen on it)", results["nhs_development"])
        _print("NHS patient feedback, held-out part (never tuned on)", results["nhs_held_out"])
    else:
        print(f"NHS feedback data not found at {NHS}: skipping patient feedback")
    print(json.dumps({"english_sentiment": results}))
