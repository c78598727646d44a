"""Sentiment per sentence: TextBlob and VADER for English; other languages are not scored."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textblob.en import sentiment as textblob_sentiment  # what TextBlob(text).sentiment calls
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

SCORED_LANGUAGES = frozenset({"en"})
NO_TEXT = "no text to score"
NOT_SCORED_REASONS = {
    "es": "no sentiment method validated on labelled Spanish text yet",
    "und": "language could not be identified",
}
# TextBlob reads "isn't good" as "is good": spell contractions out so its negation rule applies.
CONTRACTIONS = re.compile(r"\b(is|are|was|were|do|does|did|has|have|had|could|would|should|wo|ca)n[’']t\b", re.I)
# Words of testimonies about drugs and violence that general lexicons miss or read as neutral; VADER
# scale -4..4. Outcomes carry the feeling here: "my son has been sober eight months", "she died".
DOMAIN_LEXICON = {
    "died": -2.6,
    "dies": -2.4,
    "dying": -2.6,
    "overdose": -2.5,
    "overdosed": -2.7,
    "overdoses": -2.5,
    "od'd": -2.5,
    "shooting": -2.6,
    "shootings": -2.6,
    "shootout": -2.8,
    "stabbing": -2.8,
    "stabbed": -2.8,
    "gunfire": -2.6,
    "extortion": -2.8,
    "extorted": -2.6,
    "kidnapped": -3.0,
    "disappeared": -2.2,
    "displaced": -2.0,
    "evicted": -2.3,
    "sweeps": -1.5,
    "waitlist": -1.2,
    "closed": -1.2,
    "shut": -1.0,
    "relapsed": -2.2,
    "relapse": -1.8,
    "tainted": -2.2,
    "poisoned": -2.6,
    "homeless": -1.6,
    "bribes": -2.2,
    "bribe": -2.0,
    "corrupt": -2.6,
    "abandoned": -2.2,
    "nightmare": -2.7,
    "sober": 2.0,
    "sobriety": 1.8,
    "recovered": 2.0,
    "recovering": 1.2,
    "saved": 2.3,
    "opened": 1.0,
    "reopened": 1.4,
    "apprenticeship": 1.2,
    "raise": 1.0,
    "respect": 1.8,
    "decent": 1.4,
    "calmer": 1.8,
    "quieter": 1.6,
    "picnic": 1.5,
}
_vader = SentimentIntensityAnalyzer()
_vader.lexicon.update(DOMAIN_LEXICON)


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
        reason = next((s.reason for s in scores if s.reason), NO_TEXT)
        return Sentiment(None, None, reason)
    total = sum(w for _, w in scored) or 1
    polarity = sum((s.polarity or 0.0) * w for s, w in scored) / total
    subjectivity = sum((s.subjectivity or 0.0) * w for s, w in scored) / total
    return Sentiment(round(polarity, 4), round(subjectivity, 4))
