"""Which language a testimony is written in, from py3langid's model shipped in the package."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from survey.analysis.text import fold

# Function words that only one of the two main languages uses, checked one by one against
# Portuguese (and Italian), which share "de", "que", "esta", "este", "nada", "aqui", "la", "lo",
# "para"... once folded; and against Spanish for English ("has", "for", "to" are no longer here).
# Three of one and none of the other settle it without the model.
ENGLISH_ONLY = frozenset(
    str.split(
        "the and is was are were of it that this with have we they there our my been be at you but from what would "
        "which because when"
    )
)
SPANISH_ONLY = frozenset(
    str.split(
        "el los las y hay muy ya tambien ahora cuando eso ese esos yo mucho muchos muchas tienen sin despues "
        "entonces hasta asi siempre estoy estan ellos nosotros usted ustedes pues aunque"
    )
)
SETTLED = 3
CONFIRMED = 2  # ...and two settle it when they are of the form's language
MIN_LETTERS = 12  # shorter texts say too little; the form's language is the better guess
# Most texts have that many ASCII letters, found at once; the others are counted one by one.
ENOUGH_LETTERS = re.compile(rf"(?:[^A-Za-z]*+[A-Za-z]){{{MIN_LETTERS}}}")
SURE = 0.5  # normalised probability over the ~97 languages of the model


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """A language code ('und' when unknown) and how sure the detector was."""

    code: str
    probability: float


@lru_cache(maxsize=1)
def language_model() -> LanguageIdentifier:
    """py3langid's model, loaded once per process (loading takes a noticeable fraction of a second)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, hint: str | None = None, words: Iterable[str] | None = None) -> LanguageGuess:
    """Guess the language; short or unclear texts keep the hint (the language of the form).

    `words` are the text's folded words when the caller has them already.
    """
    fallback = LanguageGuess(hint or "und", 0.0)
    if not ENOUGH_LETTERS.match(text) and sum(c.isalpha() for c in text) < MIN_LETTERS:
        return fallback
    words = list(words) if words is not None else re.findall(r"\w+", fold(text[:2000]))
    english = sum(map(ENGLISH_ONLY.__contains__, words))
    spanish = sum(map(SPANISH_ONLY.__contains__, words))
    if english >= SETTLED and not spanish:
        return LanguageGuess("en", 0.99)
    if spanish >= SETTLED and not english:
        return LanguageGuess("es", 0.99)
    # The form's language, borne out by its own function words and none of the other's.
    own, other = {"en": (english, spanish), "es": (spanish, english)}.get(hint or "", (0, 0))
    if own >= CONFIRMED and not other:
        return LanguageGuess(hint or "und", 0.95)
    best, probability = language_model().classify(text)
    if probability >= SURE or hint is None:
        return LanguageGuess(best, round(float(probability), 3))
    ranked = language_model().rank(text)[:3]  # the whole ranking only when it is needed
    # Unsure: a short mixed sentence from a Spanish form is Spanish if the model thinks it may be.
    if any(code == hint for code, _ in ranked):
        return LanguageGuess(hint, round(float(dict(ranked)[hint]), 3))
    return LanguageGuess(best, round(float(probability), 3))
