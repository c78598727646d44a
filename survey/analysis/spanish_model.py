"""A linear model of Spanish polarity: ridge regression over TF-IDF of folded words and word pairs.

The model reads only the words the lexicon does not list (and pairs of such words): the lexicon
decides about its own words ("miedo" stays negative however a film's subtitles use it), the model
about the rest. A model is therefore tied to the lexicon it was trained with (`lexicon_digest`).

Trained with `python -m survey.analysis.train_spanish` and shipped as plain JSON (terms, their idf
and weight) rather than a pickle, so that it loads under any scikit-learn and can be read by a
person. Prediction is computed here from those numbers, as scikit-learn's TfidfVectorizer (binary,
l2-normalised) followed by Ridge would compute it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from survey.analysis.spanish_lexicon import LEXICON_FILE, Lexicon, folded_words, spanish_lexicon

MODEL_FILE = "sentiment_es.json.gz"
ALPHA = 3.0  # chosen on the development parts among 1, 3 and 10
MIN_DF = 2


def features(text: str, lexicon: Lexicon | None = None) -> list[str]:
    """Folded words the lexicon does not list, and pairs of such neighbours: "ya no", "no hay"."""
    lexicon = lexicon or spanish_lexicon()
    words = [w if lexicon.valence(w) is None else "" for w in folded_words(text)]
    return [w for w in words if w] + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a and b]


def lexicon_digest() -> str:
    """A short digest of the shipped lexicon, recorded in the model trained with it."""
    data = files("survey.analysis").joinpath("data", LEXICON_FILE).read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class LinearSentiment:
    """Terms with their idf and weight, an intercept, and where the weights came from."""

    idf: dict[str, float]
    weights: dict[str, float]
    intercept: float
    about: dict[str, Any]

    def score(self, text: str) -> tuple[float, int]:
        """The predicted polarity (not clipped) and how many of the text's terms the model knows."""
        known = [t for t in set(features(text)) if t in self.idf]
        if not known:
            return self.intercept, 0
        norm = math.sqrt(sum(self.idf[t] ** 2 for t in known))
        return self.intercept + sum(self.weights.get(t, 0.0) * self.idf[t] for t in known) / norm, len(known)

    def dumps(self) -> bytes:
        """The model as gzipped JSON; terms sorted so that a retrained model diffs well."""
        state = {
            "about": self.about,
            "intercept": self.intercept,
            "terms": {t: [round(self.idf[t], 5), round(self.weights.get(t, 0.0), 6)] for t in sorted(self.idf)},
        }
        return gzip.compress(json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode(), mtime=0)

    @classmethod
    def loads(cls, data: bytes) -> LinearSentiment:
        """Read a model written by `dumps`."""
        state = json.loads(gzip.decompress(data))
        terms = state["terms"]
        return cls(
            idf={t: float(v[0]) for t, v in terms.items()},
            weights={t: float(v[1]) for t, v in terms.items() if v[1]},
            intercept=float(state["intercept"]),
            about=dict(state["about"]),
        )


def train_linear(
    texts: Sequence[str], targets: Sequence[float], *, alpha: float = ALPHA, about: dict[str, Any] | None = None
) -> LinearSentiment:
    """Fit ridge regression of the polarities on the texts' TF-IDF terms (scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import Ridge

    vectorizer = TfidfVectorizer(analyzer=features, binary=True, min_df=MIN_DF)
    model = Ridge(alpha=alpha).fit(vectorizer.fit_transform(texts), list(targets))
    names = vectorizer.get_feature_names_out()
    return LinearSentiment(
        idf={str(t): float(v) for t, v in zip(names, vectorizer.idf_, strict=True)},
        weights={str(t): float(w) for t, w in zip(names, model.coef_, strict=True) if w},
        intercept=float(model.intercept_),
        about={"alpha": alpha, "min_df": MIN_DF, "texts": len(texts), "lexicon": lexicon_digest(), **(about or {})},
    )


@lru_cache(maxsize=1)
def spanish_model() -> LinearSentiment:
    """The model shipped in the package, read once per process."""
    return LinearSentiment.loads(files("survey.analysis").joinpath("data", MODEL_FILE).read_bytes())
