"""A codebook learned from people's coding: a linear classifier per theme, with its evidence words."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC

from survey.analysis.text import fold_with_offsets, original_span

MIN_POSITIVES = 3  # a theme coded fewer times than this cannot be learned, only reported
FOLDS = 3
C = 0.3
THRESHOLDS = np.linspace(-1.0, 0.5, 31)
OFFSETS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
EVIDENCE_WORDS = 3
WORD_PATTERN = r"(?u)\b\w\w+\b"
# Words that carry weight in a classifier but explain nothing to a reader.
SPANISH_STOP_WORDS = frozenset(
    [
        "a",
        "al",
        "algo",
        "como",
        "con",
        "de",
        "del",
        "desde",
        "el",
        "ella",
        "ellos",
        "en",
        "entre",
        "era",
        "es",
        "esa",
        "ese",
        "esta",
        "este",
        "esto",
        "fue",
        "ha",
        "hay",
        "la",
        "las",
        "le",
        "les",
        "lo",
        "los",
        "mas",
        "me",
        "mi",
        "mis",
        "muy",
        "ni",
        "no",
        "nos",
        "o",
        "otra",
        "otro",
        "para",
        "pero",
        "por",
        "porque",
        "que",
        "se",
        "si",
        "sin",
        "sobre",
        "su",
        "sus",
        "tambien",
        "te",
        "todo",
        "todos",
        "tu",
        "un",
        "una",
        "uno",
        "unos",
        "y",
        "ya",
        "yo",
    ]
)
STOP_WORDS = ENGLISH_STOP_WORDS | SPANISH_STOP_WORDS


@dataclass(frozen=True, slots=True)
class CodedExample:
    """A text and the themes people gave it."""

    text: str
    themes: frozenset[str]


@dataclass(frozen=True, slots=True)
class LearnedEvidence:
    """Words in the text that pushed the classifier towards a theme."""

    start: int
    end: int
    text: str
    weight: float


@dataclass(frozen=True, slots=True)
class LearnedTag:
    """A theme the classifier gives a text, with a confidence in (0, 1) and its evidence."""

    theme: str
    confidence: float
    evidence: tuple[LearnedEvidence, ...]


@dataclass
class LearnedCodebook:
    """Classifiers for a label set, with when and from how much they were learned."""

    labels: tuple[str, ...]
    words: TfidfVectorizer
    chars: TfidfVectorizer
    weights: np.ndarray  # (labels, features)
    bias: np.ndarray
    thresholds: np.ndarray
    trained_at: datetime
    examples: int
    scores: dict[str, Any] = field(default_factory=dict)
    unlearnable: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        """Names this model in stored results: learned-<training time>."""
        return "learned-" + self.trained_at.strftime("%Y%m%d%H%M%S")

    def _margins(self, texts: Sequence[str]) -> tuple[np.ndarray, sparse.csr_matrix]:
        """Margins of every text for every label, and the texts' word features."""
        words = self.words.transform(texts)
        features = sparse.hstack([words, self.chars.transform(texts)]).tocsr()
        return np.asarray(features @ self.weights.T) + self.bias, words

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Margins of every text for every label."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        return self._margins(texts)[0]

    def predict(self, texts: Sequence[str]) -> list[list[LearnedTag]]:
        """The themes of each text, with evidence words and offsets into that text."""
        if not texts:
            return []
        margins, words = self._margins(texts)
        chosen = margins >= self.thresholds
        names = self._word_names()
        indptr = words.indptr.tolist()
        results: list[list[LearnedTag]] = [[] for _ in texts]
        for row in np.flatnonzero(chosen.any(axis=1)).tolist():
            text = texts[row]
            labels = np.flatnonzero(chosen[row])
            # The row's word features and what each adds to each chosen label, as plain lists: the
            # arrays are a few dozen long, where numpy's per-call cost outweighs its speed.
            indices = words.indices[indptr[row] : indptr[row + 1]]
            values = words.data[indptr[row] : indptr[row + 1]]
            contributions = (self.weights[labels[:, None], indices] * values).tolist()
            indices_list = indices.tolist()
            folded = fold_with_offsets(text)
            for j, label_contributions in zip(labels.tolist(), contributions, strict=True):
                confidence = 1 / (1 + math.exp(-3 * (margins[row, j] - self.thresholds[j])))
                evidence = _evidence(text, folded, indices_list, label_contributions, names)
                results[row].append(LearnedTag(self.labels[j], round(confidence, 3), evidence))
        return results

    def _word_names(self) -> list[str]:
        if not hasattr(self, "_names"):
            self._names = [str(name) for name in self.words.get_feature_names_out()]
        return self._names

    def top_terms(self, label: str, count: int = 12) -> list[str]:
        """The words that most push a text towards a label: the learned codebook's terms."""
        j = self.labels.index(label)
        word_weights = self.weights[j, : len(self.words.vocabulary_)]
        order = np.argsort(word_weights)[::-1][:count]
        return [self._word_names()[i] for i in order if word_weights[i] > 0]

    def dumps(self) -> bytes:
        """Serialise for storage."""
        buffer = io.BytesIO()
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}  # the names are rebuilt
        joblib.dump(state, buffer, compress=3)
        return buffer.getvalue()

    @classmethod
    def loads(cls, data: bytes) -> LearnedCodebook:
        """Load what dumps() wrote; only ever from Voces's own database or files."""
        state = joblib.load(io.BytesIO(data))
        state.pop("always_one", None)  # models stored before it was dropped
        return cls(**state)


@lru_cache(maxsize=20_000)
def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    if any(word in STOP_WORDS for word in phrase.split()):
        return None
    return re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, phrase.split())) + r"(?!\w)")


def _evidence(
    text: str, folded: tuple[str, list[int]], indices: list[int], contributions: list[float], names: list[str]
) -> tuple[LearnedEvidence, ...]:
    """The text's words with the largest positive weight for a label, found accent- and case-blind."""
    searchable, starts = folded
    found: list[LearnedEvidence] = []
    for weight, index in sorted(zip(contributions, indices, strict=True), reverse=True)[: EVIDENCE_WORDS * 4]:
        if weight <= 0 or len(found) >= EVIDENCE_WORDS:
            break
        pattern = _phrase_pattern(names[index])
        match = pattern.search(searchable) if pattern else None
        if match is None:
            continue
        start, end = original_span(starts, match.start(), match.end())
        if not any(e.start < end and start < e.end for e in found):
            found.append(LearnedEvidence(start, end, text[start:end], round(weight, 4)))
    return tuple(sorted(found, key=lambda e: e.start)) if len(found) > 1 else tuple(found)


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, min_df=2, strip_accents="unicode", token_pattern=WORD_PATTERN
    )
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, strip_accents="unicode"
    )
    return words, chars


def _best_threshold(truth: np.ndarray, margins: np.ndarray) -> float:
    best_f1, best = -1.0, 0.0
    positives = truth.sum()
    for threshold in THRESHOLDS:
        predicted = margins >= threshold
        tp = float((predicted & truth).sum())
        f1 = 2 * tp / (predicted.sum() + positives) if predicted.sum() + positives else 0.0
        if f1 > best_f1:
            best_f1, best = f1, float(threshold)
    return best


def _fit(x: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float]:
    model = LinearSVC(C=C)
    model.fit(x, y)
    return model.coef_[0], float(model.intercept_[0])


def train_codebook(examples: Iterable[CodedExample], *, seed: int = 0) -> LearnedCodebook:
    """Learn one classifier per theme, with thresholds chosen by cross-validation for F1."""
    data = [e for e in examples if e.text.strip()]
    if len(data) < FOLDS * 2:
        raise ValueError(f"at least {FOLDS * 2} coded texts are needed to learn a codebook, got {len(data)}")
    counts: dict[str, int] = {}
    for example in data:
        for theme in example.themes:
            counts[theme] = counts.get(theme, 0) + 1
    labels = tuple(sorted(t for t, n in counts.items() if MIN_POSITIVES <= n < len(data)))
    unlearnable = tuple(sorted(t for t in counts if t not in labels))
    if not labels:
        raise ValueError(f"no theme was coded at least {MIN_POSITIVES} times")
    texts = [e.text for e in data]
    truth = np.array([[label in e.themes for label in labels] for e in data])
    words, chars = _vectorizers()
    x = sparse.hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    margins = np.zeros(truth.shape)
    for train, held in KFold(FOLDS, shuffle=True, random_state=seed).split(x):
        for j in range(len(labels)):
            if truth[train, j].any() and not truth[train, j].all():
                w, b = _fit(x[train], truth[train, j])
                margins[held, j] = x[held] @ w + b
            else:
                margins[held, j] = -1.0
    thresholds = np.array([_best_threshold(truth[:, j], margins[:, j]) for j in range(len(labels))])
    # Thresholds fitted on the same held-out margins flatter themselves and over-predict; raise them
    # by the offset that best balances macro and micro F1 on those margins.
    thresholds = thresholds + max(OFFSETS, key=lambda o: _balanced_f1(truth, margins >= thresholds + o))
    fitted = [_fit(x, truth[:, j]) for j in range(len(labels))]
    return LearnedCodebook(
        labels=labels,
        words=words,
        chars=chars,
        weights=np.vstack([w for w, _ in fitted]).astype(np.float32),
        bias=np.array([b for _, b in fitted], dtype=np.float32),
        thresholds=thresholds.astype(np.float32),
        trained_at=datetime.now(UTC),
        examples=len(data),
        scores={"cross_validated": f1_scores(truth, margins >= thresholds, labels)},
        unlearnable=unlearnable,
    )


def _balanced_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    scores = f1_scores(truth, predicted, [str(i) for i in range(truth.shape[1])])
    return float(scores["macro_f1"] + scores["micro_f1"]) / 2


def f1_scores(truth: np.ndarray, predicted: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """Macro, micro and per-label F1 of predicted label sets (rows of booleans) against people's."""
    per_theme = f1_score(truth, predicted, average=None, zero_division=0.0)
    return {
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0.0)), 4),
        "micro_f1": round(float(f1_score(truth, predicted, average="micro", zero_division=0.0)), 4),
        "per_theme": {label: round(float(f), 4) for label, f in zip(labels, per_theme, strict=True)},
    }
