"""Sentiment per sentence and per text, in English and Spanish.

English: TextBlob's polarity and VADER's compound score, blended by the kind of text (the mean for
ordinary text, mostly VADER for a short post that speaks in emoji or slang). Spanish: a lexicon read with
VADER's rules, blended with a linear model trained on labelled Spanish (see `spanish_sentiment`).
Each is called once per sentence and once more on the sentences read together (a theme's, the
whole text's). Texts in other languages, and Spanish texts with no word the method knows, are not
scored, with a reason stored as a code (see `NotScored`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from textblob.en import sentiment as pattern_sentiment
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from survey.analysis.spanish_sentiment import spanish_polarity

SCORED_LANGUAGES = frozenset({"en", "es"})
UNKNOWN_LANGUAGE = "und"
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
# TextBlob reads "isn't good" as "is good": contractions are spelled out for its negation rule.
CONTRACTIONS = re.compile(r"\b(is|are|was|were|do|does|did|has|have|had|could|would|should|wo|ca)n[’']t\b", re.I)

# Slang of short posts; those VADER's lexicon has and TextBlob's lacks are cues only VADER reads.
SLANG = frozenset(
    (
        "lol",
        "lmao",
        "lmfao",
        "rofl",
        "omg",
        "wtf",
        "idk",
        "smh",
        "meh",
        "ugh",
        "yay",
        "woohoo",
        "ffs",
        "luv",
        "thx",
        "gr8",
        "hugz",
    )
)
# VADER's share of the blend: the plain mean for ordinary text, the best fixed blend on rated patient
# feedback; more for a short post whose feeling is in emoji or slang, on which VADER alone beats
# the mean (the 4,200 tweets), because TextBlob reads none of it.
PLAIN_WEIGHT = 0.5
INFORMAL_WEIGHT = 0.8
SHORT_WORDS = 40  # past this, a few emoji no longer make a text a post: the lean fades

# What TextBlob(text).sentiment reads through PatternAnalyzer, called without the named tuple class
# that PatternAnalyzer.analyze builds on every call (a sixth of the pipeline's time).
_textblob = pattern_sentiment
_vader = SentimentIntensityAnalyzer()  # reads VADER's lexicon and emoji files once
_vader.lexicon.update(DOMAIN_LEXICON)
_vader_only_slang = frozenset(w for w in SLANG if w in _vader.lexicon and w not in _textblob)


class NotScored(StrEnum):
    """Why a text got no sentiment score; stored as a code and translated where it is shown."""

    NO_TEXT = "no_text"
    UNKNOWN_LANGUAGE = "language_unknown"
    LANGUAGE = "language_not_scored"  # stored with the language: "language_not_scored:pt"
    UNREADABLE = "no_known_words"  # in a scored language, but no word the method knows ("Ajá.")


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason for no score and, for a language without a method, that language."""

    kind: NotScored
    language: str | None = None

    @property
    def code(self) -> str:
        """The stored form: "no_text", "language_unknown", "language_not_scored:pt"."""
        return self.kind.value if self.language is None else f"{self.kind.value}:{self.language}"

    @classmethod
    def from_code(cls, code: str) -> Reason | None:
        """Read a stored code back; None for anything that is not one."""
        kind, _, language = code.partition(":")
        try:
            return cls(NotScored(kind), language or None)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Polarity in [-1, 1] and subjectivity in [0, 1], or None with the reason it was not scored."""

    polarity: float | None
    subjectivity: float | None
    reason: Reason | None = None

    @property
    def scored(self) -> bool:
        """Say whether the text got a score."""
        return self.polarity is not None


NO_TEXT = Sentiment(None, None, Reason(NotScored.NO_TEXT))


def _spell_out(m: re.Match[str]) -> str:
    verb = {"wo": "will", "ca": "can"}.get(m.group(1).lower(), m.group(1))
    return f"{verb} not"


def informal_cues(text: str) -> int:
    """Count the marks of feeling that only VADER reads: emoji, and slang such as "meh" or "yay".

    TextBlob reads emoticons, "!!", capitals and "lol" itself; those are no reason to lean.
    """
    cues = sum(1 for char in text if char in _vader.emojis)
    return cues + sum(1 for word in text.split() if word.strip(".,;:!?\"'()").lower() in _vader_only_slang)


def vader_weight(text: str) -> float:
    """VADER's share of the blend for this kind of text; TextBlob has the rest."""
    if not informal_cues(text):
        return PLAIN_WEIGHT
    words = len(text.split())
    lean = 1.0 if words <= SHORT_WORDS else SHORT_WORDS / words
    return PLAIN_WEIGHT + (INFORMAL_WEIGHT - PLAIN_WEIGHT) * lean


def english_readings(text: str) -> tuple[float, float, float]:
    """TextBlob's polarity and subjectivity and VADER's compound score, before they are blended.

    TextBlob gets contractions spelled out, VADER straight apostrophes, so that "isn’t good" is
    negated for both.
    """
    polarity, subjectivity = _textblob(CONTRACTIONS.sub(_spell_out, text))
    return polarity, subjectivity, _vader.polarity_scores(text.replace("’", "'"))["compound"]


def score_english(text: str) -> Sentiment:
    """Score an English text (a sentence, or sentences read together).

    TextBlob misses what VADER catches ("not working") and the other way round; a blend of the two
    is closer to human ratings than either alone, weighted by the kind of text (`vader_weight`).
    """
    polarity, subjectivity, compound = english_readings(text)
    weight = vader_weight(text)
    combined = weight * compound + (1 - weight) * polarity
    return Sentiment(round(max(-1.0, min(1.0, combined)), 4), round(subjectivity, 4))


def not_scored(language: str) -> Sentiment:
    """Why a text in this language gets no score."""
    if language == UNKNOWN_LANGUAGE:
        return Sentiment(None, None, Reason(NotScored.UNKNOWN_LANGUAGE))
    return Sentiment(None, None, Reason(NotScored.LANGUAGE, language))


UNREADABLE = Sentiment(None, None, Reason(NotScored.UNREADABLE))


def score_spanish(text: str) -> Sentiment:
    """Score a Spanish text; no subjectivity, which no labelled Spanish data has measured."""
    polarity = spanish_polarity(text)
    if polarity is None:
        return UNREADABLE
    return Sentiment(round(max(-1.0, min(1.0, polarity)), 4), None)


def score_sentence(text: str, language: str) -> Sentiment:
    """Score one sentence (or sentences read together), or say why it cannot be scored."""
    if language == "es":
        return score_spanish(text)
    if language not in SCORED_LANGUAGES:
        return not_scored(language)
    return score_english(text)
