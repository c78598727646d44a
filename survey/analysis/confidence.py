"""How likely a person is to keep a machine tag: features of its evidence and a logistic calibration
fitted on people's decisions (labelled testimonies, evaluators' corrections), stored as JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib.resources import files
from typing import Any

CALIBRATION_FILE = "confidence.json"
LOWEST, HIGHEST = 0.02, 0.98  # a machine tag is never certain, and never zero (zero means "a person said no")
LIKELY = 0.7  # from here on a tag reads as "likely"; below it, "uncertain"
MIN_DECISIONS = 40  # fewer decisions than this and a refit is noise: the shipped calibration stays
BINS = 5  # bins of the reliability curve


@dataclass(frozen=True, slots=True)
class TagFeatures:
    """What the evidence behind one tag looks like, as numbers."""

    strong_terms: float  # distinct specific terms of the theme
    weak_terms: float  # distinct generic terms ("school", "market")
    longest_term: float  # words in the longest matching term: phrases are specific
    sentence_share: float  # share of the text's sentences that carry the theme
    first_position: float  # where the first evidence sits, 0 at the start, 1 in the last sentence
    other_themes: float  # other top-level themes found with specific terms in the same text


FEATURES = tuple(f.name for f in fields(TagFeatures))


def _vector(features: TagFeatures) -> list[float]:
    # Counts saturate: the third term adds less than the second. Read field by field: astuple copies
    # each value deeply, 7 µs a tag against 0.2.
    f = features
    return [
        math.log1p(f.strong_terms),
        math.log1p(f.weak_terms),
        min(f.longest_term, 3.0),
        f.sentence_share,
        f.first_position,
        math.log1p(f.other_themes),
    ]


@dataclass(frozen=True)
class Calibration:
    """A logistic model from tag features to the probability that a person keeps the tag."""

    weights: tuple[float, ...]
    intercept: float
    source: str
    decisions: int

    def probability(self, features: TagFeatures) -> float:
        """The calibrated probability, kept within [LOWEST, HIGHEST]."""
        score = self.intercept + sum(w * x for w, x in zip(self.weights, _vector(features), strict=True))
        return round(min(HIGHEST, max(LOWEST, 1 / (1 + math.exp(-score)))), 3)

    def dumps(self) -> str:
        """The calibration as JSON."""
        body = {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "intercept": round(self.intercept, 6),
            "source": self.source,
            "decisions": self.decisions,
        }
        return json.dumps(body, indent=2) + "\n"

    @classmethod
    def loads(cls, text: str | bytes) -> Calibration:
        """Read a calibration written by dumps, refusing one made for other features."""
        body: dict[str, Any] = json.loads(text)
        if body.get("features") != list(FEATURES) or len(body.get("weights", ())) != len(FEATURES):
            raise ValueError("the calibration was fitted on other features")
        weights = tuple(float(w) for w in body["weights"])
        return cls(weights, float(body["intercept"]), str(body["source"]), int(body["decisions"]))


@lru_cache(maxsize=1)
def shipped_calibration() -> Calibration:
    """The calibration that comes with the package."""
    return Calibration.loads(files("survey.analysis").joinpath("data", CALIBRATION_FILE).read_bytes())


def fit_calibration(
    decisions: Sequence[tuple[TagFeatures, bool]], source: str, fallback: Calibration | None = None
) -> Calibration:
    """Fit the calibration on tags and whether a person kept each; too few decisions keep the fallback."""
    kept = {keep for _, keep in decisions}
    if len(decisions) < MIN_DECISIONS or len(kept) < 2:
        return fallback or shipped_calibration()
    from sklearn.linear_model import LogisticRegression  # loaded only when fitting, not when tagging

    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit([_vector(f) for f, _ in decisions], [int(k) for _, k in decisions])
    # Rounded as the JSON keeps them, so a calibration read back is the one fitted.
    weights = tuple(round(float(w), 6) for w in model.coef_[0])
    return Calibration(weights, round(float(model.intercept_[0]), 6), source, len(decisions))


def reliability(pairs: Sequence[tuple[float, bool]], bins: int = BINS) -> list[dict[str, Any]]:
    """Predicted against observed: per bin of confidence, the mean confidence and the share kept."""
    curve = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(p, k) for p, k in pairs if low <= p < high or (b == bins - 1 and p == high)]
        if not inside:
            continue
        curve.append(
            {
                "from": round(low, 2),
                "to": round(high, 2),
                "predicted": round(sum(p for p, _ in inside) / len(inside), 3),
                "observed": round(sum(k for _, k in inside) / len(inside), 3),
                "tags": len(inside),
            }
        )
    return curve


def brier(pairs: Sequence[tuple[float, bool]]) -> float | None:
    """The mean squared gap between confidence and decision (0 is perfect)."""
    return round(sum((p - k) ** 2 for p, k in pairs) / len(pairs), 4) if pairs else None
