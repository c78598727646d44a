"""Spanish polarity: the lexicon's valences and the linear model's prediction read together.

The model's prediction counts as one more valence (times `MODEL_WEIGHT`) in the lexicon's sum,
which VADER's formula then squashes into [-1, 1]. On the development parts of the labelled data
(film subtitles, and Voces's own labelled testimonies) the blend agreed with people better than
either alone: the lexicon knows the testimonies' words and rules, the model the everyday phrasing
that no one wrote into the lexicon.
"""

from __future__ import annotations

import math

from survey.analysis.spanish_lexicon import ALPHA, lexicon_sum
from survey.analysis.spanish_model import LinearSentiment, spanish_model

# Chosen among 2..12 on XED's development tenth and Voces's labelled testimonies (see benchmarks.spanish),
# never on the test parts.
MODEL_WEIGHT = 4.0
MIN_KNOWN_TERMS = 2  # with no listed word, the model must know this many of the text's terms


def spanish_polarity(text: str, model: LinearSentiment | None = None) -> float | None:
    """The polarity in [-1, 1], or None when neither the lexicon nor the model can read the text."""
    total, listed = lexicon_sum(text)
    predicted, known = (model or spanish_model()).score(text)
    if not listed and known < MIN_KNOWN_TERMS:
        return None
    total += MODEL_WEIGHT * predicted
    return total / math.sqrt(total * total + ALPHA)
