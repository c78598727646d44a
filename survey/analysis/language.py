"""Which language a testimony is written in, from langdetect's offline profiles."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from langdetect import DetectorFactory, LangDetectException, detect_langs

# langdetect samples at random; a fixed seed makes the same text get the same answer every time.
DetectorFactory.seed = 0
_lock = threading.Lock()
MIN_LETTERS = 12
MIN_PROBABILITY = 0.80


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """A language code ('und' when unknown) and how sure the detector was."""

    code: str
    probability: float


def detect_language(text: str, hint: str | None = None) -> LanguageGuess:
    """Guess the language; short or unclear texts fall back to the hint (the form's language)."""
    letters = sum(c.isalpha() for c in text)
    fallback = LanguageGuess(hint or "und", 0.0)
    if letters < MIN_LETTERS:
        return fallback
    try:
        with _lock:  # langdetect's factory is shared state
            guesses = detect_langs(text)
    except LangDetectException:
        return fallback
    best = guesses[0]
    if best.prob < MIN_PROBABILITY:
        return fallback
    return LanguageGuess(best.lang, round(best.prob, 3))
