"""Sentiment per sentence and per text: TextBlob's lexicon and rules, with VADER's beside them.

Each sentence is read once by both, split on spaces as each library splits it, and a text's score
adds its sentences' readings up instead of reading the text again. English only; other languages
are not scored, with a reason stored as a code (see `NotScored`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from textblob import _text as pattern
from textblob.en import sentiment as textblob_sentiment  # what TextBlob(text).sentiment calls
from vaderSentiment import vaderSentiment as vader

from survey.analysis.text import MAX_REMEMBERED_LENGTH, MAX_REMEMBERED_WORDS

SCORED_LANGUAGES = frozenset({"en"})
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
_analyser = vader.SentimentIntensityAnalyzer()  # reads VADER's lexicon and emoji files once
LEXICON: dict[str, float] = {**_analyser.lexicon, **DOMAIN_LEXICON}
EMOJI: dict[str, str] = _analyser.emojis
BOOSTERS: dict[str, float] = vader.BOOSTER_DICT
NEGATIONS = frozenset(vader.NEGATE)
IDIOMS: dict[str, float] = vader.SPECIAL_CASES
# TextBlob reads "isn't good" as "is good": contractions are spelled out for its negation rule.
CONTRACTIONS = re.compile(r"\b(is|are|was|were|do|does|did|has|have|had|could|would|should|wo|ca)n[’']t\b", re.I)


class _TextBlobRules:
    """TextBlob's English lexicon (polarity, subjectivity, intensity of each word), in plain dicts.

    TextBlob looks each word up through a lazily loaded dict twice over; reading its entries once
    here makes the same assessments several times faster. A test holds them equal to TextBlob's.
    """

    def __init__(self) -> None:
        textblob_sentiment.load()
        entries = dict.items(textblob_sentiment)
        self.scores: dict[str, tuple[float, float, float]] = {w: tuple(senses[None]) for w, senses in entries}
        modifiers = textblob_sentiment.modifiers
        self.modifiers = frozenset(w for w, senses in entries if any(m in senses for m in modifiers))
        self.is_modifier = textblob_sentiment.modifier  # for unknown words: "-ly"
        self.negations = frozenset(textblob_sentiment.negations)
        self.emoticons: dict[str, float] = {}
        for (_, polarity), faces in pattern.EMOTICONS.items():
            for face in faces:
                self.emoticons.setdefault(face.lower(), polarity)

    def assess(self, words: Iterable[str]) -> list[tuple[float, float]]:
        """TextBlob's assessments (polarity, subjectivity) of lower-cased words, in its own order."""
        found: list[list[float]] = []  # polarity, subjectivity, intensity, negated
        modifier: str | None = None  # an adverb just before ("very good")
        negation: str | None = None  # a negation just before ("not good")
        for word in words:
            score = self.scores.get(word)
            if score is not None:
                polarity, subjectivity, intensity = score
                if modifier is None:
                    found.append([polarity, subjectivity, intensity, 1.0])
                else:
                    last = found[-1]
                    last[0] = max(-1.0, min(polarity * last[2], 1.0))
                    last[1] = max(-1.0, min(subjectivity * last[2], 1.0))
                    last[2] = intensity
                if negation is not None:
                    found[-1][2] = 1.0 / found[-1][2]
                    found[-1][3] = -1.0
                modifier = word if word in self.modifiers else None
                negation = word if word in self.negations else None
                continue
            if word in self.negations:
                negation = word
            elif negation and len(word.strip("'")) > 1:
                negation = None  # a negation carries across small words: "not a good"
            if negation is not None and modifier is not None and self.is_modifier(modifier):
                found[-1][3] = -1.0  # "really not good"
                negation = None
            elif modifier and len(word) > 2:
                modifier = None
            if word == "!" and found:
                found[-1][0] = max(-1.0, min(found[-1][0] * 1.25, 1.0))
            if word == "(!)":
                found.append([0.0, 1.0, 1.0, 1.0])
            if not word.isalpha() and len(word) <= 5 and word not in pattern.PUNCTUATION and word in self.emoticons:
                found.append([self.emoticons[word], 1.0, 1.0, 1.0])
        # "not good" is slightly bad, "not bad" slightly good.
        return [(p * -0.5 if negated < 0 else p, s) for p, s, _, negated in found]


_textblob = _TextBlobRules()


class NotScored(StrEnum):
    """Why a text got no sentiment score; stored as a code and translated where it is shown."""

    NO_TEXT = "no_text"
    UNKNOWN_LANGUAGE = "language_unknown"
    LANGUAGE = "language_not_scored"  # stored with the language: "language_not_scored:es"


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason for no score and, for a language without a method, that language."""

    kind: NotScored
    language: str | None = None

    @property
    def code(self) -> str:
        """The stored form: "no_text", "language_unknown", "language_not_scored:es"."""
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


@dataclass(frozen=True, slots=True)
class Reading:
    """What the two lexicons found in a stretch of text. Readings of sentences add up to the text's."""

    polarities: tuple[float, ...]  # TextBlob's assessments
    subjectivities: tuple[float, ...]
    valences: tuple[float, ...]  # VADER's, one per word, before its rule for "but"
    words: tuple[str, ...]  # VADER's words, lower-cased
    exclamations: int
    questions: int


def _expand(text: str) -> str:
    def spell(m: re.Match[str]) -> str:
        verb = {"wo": "will", "ca": "can"}.get(m.group(1).lower(), m.group(1))
        return f"{verb} not"

    return CONTRACTIONS.sub(spell, text)


@lru_cache(maxsize=MAX_REMEMBERED_WORDS)
def _textblob_tokens(chunk: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in " ".join(textblob_sentiment.tokenizer(_expand(chunk))).split())


def _textblob_chunk(chunk: str) -> tuple[str, ...]:
    """TextBlob's words for a chunk with marks in it ("good,", ":)!!"): few, and they repeat."""
    return _textblob_tokens(chunk) if len(chunk) <= MAX_REMEMBERED_LENGTH else _textblob_tokens.__wrapped__(chunk)


def _textblob_words(chunks: Sequence[str]) -> Iterable[str]:
    """Words as TextBlob's own tokenizer splits them, one space-separated chunk at a time."""
    for chunk in chunks:
        if chunk.isalpha():
            yield chunk.lower()
        else:
            yield from _textblob_chunk(chunk)


_strip_marks = vader.SentiText._strip_punc_if_word  # ":)" stays, "good!" is "good"


def _vader_words(chunks: Sequence[str]) -> list[str]:
    """Words as VADER splits them: marks stripped unless that leaves two characters or fewer
    (":)" stays), emoji as VADER's descriptions."""
    words = []
    for chunk in chunks:
        if chunk.isascii() or not any(c in EMOJI for c in chunk):
            words.append(_strip_marks(chunk))
            continue
        # VADER's own replacement: a space before a description unless one is there, none after.
        described, after_space = "", True
        for c in chunk:
            if c in EMOJI:
                described += ("" if after_space else " ") + EMOJI[c]
                after_space = False
            else:
                described += c
                after_space = c == " "
        words += map(_strip_marks, described.split())
    return words


def _negated(word: str) -> bool:
    return word in NEGATIONS or "n't" in word


def _negation_check(valence: float, lowered: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        return valence * vader.N_SCALAR if _negated(lowered[i - 1]) else valence
    if start_i == 1:
        if lowered[i - 2] == "never" and lowered[i - 1] in ("so", "this"):
            return valence * 1.25
        if lowered[i - 2] == "without" and lowered[i - 1] == "doubt":
            return valence
        return valence * vader.N_SCALAR if _negated(lowered[i - 2]) else valence
    if (lowered[i - 3] == "never" and lowered[i - 2] in ("so", "this")) or lowered[i - 1] in ("so", "this"):
        return valence * 1.25
    if lowered[i - 3] == "without" and "doubt" in (lowered[i - 2], lowered[i - 1]):
        return valence
    return valence * vader.N_SCALAR if _negated(lowered[i - 3]) else valence


def _idioms_check(valence: float, lowered: list[str], i: int) -> float:
    one_zero = f"{lowered[i - 1]} {lowered[i]}"
    two_one_zero = f"{lowered[i - 2]} {lowered[i - 1]} {lowered[i]}"
    two_one = f"{lowered[i - 2]} {lowered[i - 1]}"
    three_two_one = f"{lowered[i - 3]} {lowered[i - 2]} {lowered[i - 1]}"
    three_two = f"{lowered[i - 3]} {lowered[i - 2]}"
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if sequence in IDIOMS:
            valence = IDIOMS[sequence]
            break
    if len(lowered) - 1 > i:
        zero_one = f"{lowered[i]} {lowered[i + 1]}"
        valence = IDIOMS.get(zero_one, valence)
    if len(lowered) - 1 > i + 1:
        zero_one_two = f"{lowered[i]} {lowered[i + 1]} {lowered[i + 2]}"
        valence = IDIOMS.get(zero_one_two, valence)
    for n_gram in (three_two_one, three_two, two_one):
        valence += BOOSTERS.get(n_gram, 0.0)
    return valence


def _valence(i: int, words: list[str], lowered: list[str], shouting: bool) -> float:
    """VADER's sentiment_valence for words[i], a lexicon word, over words already lower-cased."""
    word = lowered[i]
    valence = LEXICON[word]
    if word == "no" and i != len(words) - 1 and lowered[i + 1] in LEXICON:
        valence = 0.0
    if (
        (i > 0 and lowered[i - 1] == "no")
        or (i > 1 and lowered[i - 2] == "no")
        or (i > 2 and lowered[i - 3] == "no" and lowered[i - 1] in ("or", "nor"))
    ):
        valence = LEXICON[word] * vader.N_SCALAR
    if shouting and words[i].isupper():
        valence += vader.C_INCR if valence > 0 else -vader.C_INCR
    for start_i in range(3):
        before = i - (start_i + 1)
        if i > start_i and lowered[before] not in LEXICON:
            scalar = vader.scalar_inc_dec(words[before], valence, shouting)
            if scalar and start_i:
                scalar *= 0.95 if start_i == 1 else 0.9
            valence = _negation_check(valence + scalar, lowered, start_i, i)
            if start_i == 2:
                valence = _idioms_check(valence, lowered, i)
    least = i > 0 and lowered[i - 1] == "least" and "least" not in LEXICON
    if least and (i == 1 or lowered[i - 2] not in ("at", "very")):  # "least safe", not "at least safe"
        valence *= vader.N_SCALAR
    return valence


def _vader_valences(words: list[str], lowered: list[str], shouting: bool) -> list[float]:
    valences = []
    last = len(words) - 1
    for i, word in enumerate(lowered):
        if word in BOOSTERS or (word == "kind" and i < last and lowered[i + 1] == "of") or word not in LEXICON:
            valences.append(0.0)
        else:
            valences.append(_valence(i, words, lowered, shouting))
    return valences


def read_sentences(sentences: Sequence[str]) -> list[Reading]:
    """Read each sentence once with both lexicons, split on spaces as both libraries split.

    VADER's emphasis for words in capitals applies when some, not all, of the text's words are in
    capitals, so that is decided over the whole text rather than sentence by sentence. Apostrophes
    are made straight for VADER, so that "isn’t" negates as "isn't" does.
    """
    vader_words = [_vader_words(sentence.replace("’", "'").split()) for sentence in sentences]
    everything = [w for words in vader_words for w in words]
    capitals = sum(w.isupper() for w in everything)
    shouting = 0 < len(everything) - capitals < len(everything)
    readings = []
    for sentence, words in zip(sentences, vader_words, strict=True):
        assessed = _textblob.assess(_textblob_words(sentence.split()))
        lowered = [w.lower() for w in words]
        readings.append(
            Reading(
                polarities=tuple(a[0] for a in assessed),
                subjectivities=tuple(a[1] for a in assessed),
                valences=tuple(_vader_valences(words, lowered, shouting)),
                words=tuple(lowered),
                exclamations=sentence.count("!"),
                questions=sentence.count("?"),
            )
        )
    return readings


def add_up(readings: Sequence[Reading]) -> Reading:
    """One reading for a text from its sentences' readings."""
    if len(readings) == 1:
        return readings[0]
    return Reading(
        polarities=tuple(p for r in readings for p in r.polarities),
        subjectivities=tuple(s for r in readings for s in r.subjectivities),
        valences=tuple(v for r in readings for v in r.valences),
        words=tuple(w for r in readings for w in r.words),
        exclamations=sum(r.exclamations for r in readings),
        questions=sum(r.questions for r in readings),
    )


def vader_compound(reading: Reading) -> float:
    """VADER's compound score: its "but" rule, emphasis from '!' and '?', normalised to [-1, 1]."""
    valences = reading.valences
    if not valences:
        return 0.0
    if "but" in reading.words:
        pivot = reading.words.index("but")
        valences = tuple(v * 0.5 if k < pivot else v * 1.5 if k > pivot else v for k, v in enumerate(valences))
    total = sum(valences)
    questions = reading.questions
    asking = 0.0 if questions < 2 else 0.96 if questions > 3 else questions * 0.18
    emphasis = min(reading.exclamations, 4) * 0.292 + asking
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    return round(vader.normalize(total), 4)  # as VADER's polarity_scores rounds it


def textblob_scores(reading: Reading) -> tuple[float, float]:
    """TextBlob's polarity and subjectivity: the means of its assessments."""
    count = len(reading.polarities) or 1
    return sum(reading.polarities) / count, sum(reading.subjectivities) / count


def score_reading(reading: Reading) -> Sentiment:
    """The sentiment of what was read."""
    polarity, subjectivity = textblob_scores(reading)
    # TextBlob misses what VADER catches ("not working") and the other way round; the mean of the
    # two is closer to human ratings than either alone.
    combined = (polarity + vader_compound(reading)) / 2
    return Sentiment(round(max(-1.0, min(1.0, combined)), 4), round(subjectivity, 4))


def not_scored(language: str) -> Sentiment:
    """Why a text in this language gets no score."""
    if language == UNKNOWN_LANGUAGE:
        return Sentiment(None, None, Reason(NotScored.UNKNOWN_LANGUAGE))
    return Sentiment(None, None, Reason(NotScored.LANGUAGE, language))


def score_sentence(text: str, language: str) -> Sentiment:
    """Score one sentence, or say why it cannot be scored in its language."""
    if language not in SCORED_LANGUAGES:
        return not_scored(language)
    return score_reading(read_sentences([text])[0])
