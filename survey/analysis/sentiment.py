"""Sentiment per sentence: TextBlob and VADER for English; other languages are not scored."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textblob.en import sentiment as textblob_sentiment  # what TextBlob(text).sentiment calls
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

SCORED_LANGUAGES = frozenset({"en"})
NOT_SCORED_REASONS = {
    "es": "no sentiment method validated on labelled Spanish text yet",
    "und": "language could not be identified",
}
# TextBlob reads "isn't good" as "is good": spell contractions out so its negation rule applies.
CONTRACTIONS = re.compile(r"\b(is|are|was|were|do|does|did|has|have|had|could|would|should|wo|ca)n[’']t\b", re.I)
_vader = SentimentIntensityAnalyzer()


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Polarity in [-1, 1] and subjectivity in [0, 1], or None with the reason it was not scored."""

    polarity: float | None
    subjectivity: float | None
    reason: str | None = None

    @property
    def scored(self) -> bool:
        """Say whether the text got a score."""
        return self.polarity is not None


def _expand(text: str) -> str:
    def spell(m: re.Match[str]) -> str:
        verb = {"wo": "will", "ca": "can"}.get(m.group(1).lower(), m.group(1))
        return f"{verb} not"

    return CONTRACTIONS.sub(spell, text)


def score_sentence(text: str, language: str) -> Sentiment:
    """Score one sentence, or say why it cannot be scored in its language."""
    if language not in SCORED_LANGUAGES:
        reason = NOT_SCORED_REASONS.get(language, f"no sentiment method for language '{language}'")
        return Sentiment(None, None, reason)
    # TextBlob's own analyser, called without the wrapper that builds a namedtuple class per call.
    blob_polarity, blob_subjectivity = textblob_sentiment(_expand(text))
    compound = _vader.polarity_scores(text)["compound"]
    # TextBlob misses what VADER catches ("not working") and the other way round; the mean of the
    # two is closer to human ratings than either alone.
    polarity = (blob_polarity + compound) / 2
    return Sentiment(round(max(-1.0, min(1.0, polarity)), 4), round(blob_subjectivity, 4))


def combine(scores: list[Sentiment], weights: list[int]) -> Sentiment:
    """Average sentence scores weighted by their length; not scored if none was."""
    scored = [(s, w) for s, w in zip(scores, weights, strict=True) if s.scored]
    if not scored:
        reason = next((s.reason for s in scores if s.reason), "no text to score")
        return Sentiment(None, None, reason)
    total = sum(w for _, w in scored) or 1
    polarity = sum((s.polarity or 0.0) * w for s, w in scored) / total
    subjectivity = sum((s.subjectivity or 0.0) * w for s, w in scored) / total
    return Sentiment(round(polarity, 4), round(subjectivity, 4))
