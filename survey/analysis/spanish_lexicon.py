"""Spanish polarity from a lexicon written for Voces, read with VADER's rules in Spanish.

VADER's rules, in its own paper's terms: a word's valence is turned by a negation in the three
words before it ("ya no hay balaceras", "nadie nos ayuda", "sin miedo"), raised or lowered by a
degree word ("muy", "bastante", "re", "bien feo", "un poco"), and what follows "pero" weighs more than
what comes before it. The sum is squashed into [-1, 1] as VADER's compound score is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from survey.analysis.text import MAX_REMEMBERED_WORDS, fold

LEXICON_FILE = "lexicon_es.tsv"
WORDS = re.compile(r"\w+")
NEGATION_SCALAR = -0.74  # VADER's
BOOST = 0.293  # VADER's B_INCR
NEGATION_WINDOW = 3
ALPHA = 15  # VADER's normalisation: x / sqrt(x^2 + alpha)
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5
NEGATIONS = frozenset(str.split("no nunca jamas ni nadie nada tampoco sin ningun ninguno ninguna"))
# "dejó de consumir", "dejaron de matar": a stop is a negation of what follows "de".
STOPPING = frozenset(str.split("deje dejo dejamos dejaron dejar dejado dejaste"))
BOOSTERS = {
    **dict.fromkeys(
        str.split(
            "muy bastante tan demasiado super re harto mucho mucha muchos muchas totalmente completamente "
            "realmente sumamente extremadamente tremendamente bien"
        ),
        BOOST,
    ),
    "muchisimo": 2 * BOOST,
    "muchisima": 2 * BOOST,
    **dict.fromkeys(str.split("poco poquito algo medio casi apenas ligeramente"), -BOOST),
}
CONTRASTS = frozenset({"pero", "sino"})
# Articles, prepositions and clitics do not count towards the negation's reach: "ya no anda en el vicio".
FUNCTION_WORDS = frozenset(
    str.split("el la los las lo un una unos unas en de del a al le les me te se nos mi mis su sus")
)
MAX_PHRASE = 4


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Valences of words, of word beginnings ("violen*") and of phrases ("vale la pena")."""

    words: dict[str, float]
    prefixes: dict[str, float]
    phrases: dict[tuple[str, ...], float]
    # The words a phrase starts with, and the valences of words already looked up (most of a
    # testimony's words are in no entry, and looking for their beginnings costs a lookup per length).
    phrase_starts: frozenset[str] = field(init=False, repr=False, compare=False)
    _looked_up: dict[str, float | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "phrase_starts", frozenset(phrase[0] for phrase in self.phrases))
        object.__setattr__(self, "_looked_up", {})

    def valence(self, word: str) -> float | None:
        """The word's valence, its longest listed beginning's, or None when it is not listed."""
        try:
            return self._looked_up[word]
        except KeyError:
            pass
        found = self._valence(word)
        if len(self._looked_up) < MAX_REMEMBERED_WORDS:
            self._looked_up[word] = found
        return found

    def _valence(self, word: str) -> float | None:
        if word in self.words:
            return self.words[word]
        for end in range(len(word), 2, -1):
            found = self.prefixes.get(word[:end])
            if found is not None:
                return found
        return None


def parse_lexicon(text: str) -> Lexicon:
    """Read lines of `word<TAB>valence`; '#' starts a comment, '*' ends a word beginning."""
    words: dict[str, float] = {}
    prefixes: dict[str, float] = {}
    phrases: dict[tuple[str, ...], float] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        entry, value = line.rsplit("\t", 1)
        key, valence = fold(entry.strip()), float(value)
        if " " in key:
            phrases[tuple(key.split())] = valence
        elif key.endswith("*"):
            prefixes[key[:-1]] = valence
        else:
            words[key] = valence
    return Lexicon(words, prefixes, phrases)


@lru_cache(maxsize=256)
def folded_words(text: str) -> tuple[str, ...]:
    """The text's words, folded; kept a while, since the lexicon and the model read the same text in turn."""
    return tuple(WORDS.findall(fold(text)))


@lru_cache(maxsize=1)
def spanish_lexicon() -> Lexicon:
    """The lexicon shipped in the package, read once per process."""
    return parse_lexicon(files("survey.analysis").joinpath("data", LEXICON_FILE).read_text(encoding="utf-8"))


def _valences(words: Sequence[str], lexicon: Lexicon) -> list[float | None]:
    """Each word's valence; a phrase's goes to its first word, its other words get 0."""
    found: list[float | None] = [None] * len(words)
    starts = lexicon.phrase_starts
    i = 0
    while i < len(words):
        if words[i] not in starts:
            found[i] = lexicon.valence(words[i])
            i += 1
            continue
        for size in range(min(MAX_PHRASE, len(words) - i), 1, -1):
            phrase = lexicon.phrases.get(tuple(words[i : i + size]))
            if phrase is not None:
                found[i : i + size] = [phrase] + [0.0] * (size - 1)
                i += size
                break
        else:
            found[i] = lexicon.valence(words[i])
            i += 1
    return found


def _negated(words: Sequence[str], i: int) -> bool:
    seen, j = 0, i - 1
    while j >= 0 and seen < NEGATION_WINDOW:
        if words[j] in NEGATIONS:
            return True
        seen += words[j] not in FUNCTION_WORDS
        j -= 1
    return i >= 2 and words[i - 1] == "de" and words[i - 2] in STOPPING


def _boost(words: Sequence[str], i: int, valence: float) -> float:
    """Degree words in the two words before, as VADER weighs them (the farther one less)."""
    total = 0.0
    for distance, damp in ((1, 1.0), (2, 0.95)):
        j = i - distance
        if j >= 0 and words[j] in BOOSTERS and (words[j] != "bien" or distance == 1):
            total += BOOSTERS[words[j]] * (1 if valence > 0 else -1) * damp
    return total


def lexicon_sum(text: str, lexicon: Lexicon | None = None) -> tuple[float, int]:
    """The sum of the text's valences after the rules, and how many listed words it holds."""
    lexicon = lexicon or spanish_lexicon()
    words = folded_words(text)
    valences = _valences(words, lexicon)
    # "bien bueno", "bien feo": "bien" before a word of feeling is a degree word, not praise.
    for i in range(len(words) - 1):
        if words[i] == "bien" and valences[i + 1]:
            valences[i] = None
    contrast = next((i for i, w in enumerate(words) if w in CONTRASTS), None)
    total, listed = 0.0, 0
    for i, valence in enumerate(valences):
        if valence is None:
            continue
        listed += 1
        if not valence:
            continue
        valence += _boost(words, i, valence)
        if _negated(words, i):
            valence *= NEGATION_SCALAR
        if contrast is not None:
            valence *= BEFORE_CONTRAST if i < contrast else AFTER_CONTRAST if i > contrast else 1.0
        total += valence
    if total:
        total += math.copysign(min(text.count("!"), 4) * 0.292, total)  # VADER's emphasis of "!"
    return total, listed


def lexicon_polarity(text: str, lexicon: Lexicon | None = None) -> float:
    """The text's polarity in [-1, 1], VADER's compound formula over the lexicon's sum."""
    total, _ = lexicon_sum(text, lexicon)
    return total / math.sqrt(total * total + ALPHA)
