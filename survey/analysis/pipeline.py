"""One call that redacts, detects the language, splits, tags themes and scores sentiment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from survey.analysis.codebook import Codebook
from survey.analysis.language import LanguageGuess, detect_language
from survey.analysis.redact import Redaction, redact
from survey.analysis.sentiment import Sentiment, combine, score_sentence
from survey.analysis.text import clean_text, split_sentences
from survey.analysis.themes import ThemeMatch, ThemeTagger

ANALYSER_VERSION = "2026.11.1"
MAX_ANALYSED_CHARS = 20_000  # longer texts are stored whole but analysed on their start


@dataclass(frozen=True, slots=True)
class SentenceScore:
    """A sentence's span in the redacted text and its sentiment."""

    start: int
    end: int
    sentiment: Sentiment


@dataclass(frozen=True, slots=True)
class ThemeResult:
    """A theme with its evidence and the sentiment of the sentences that carry it."""

    match: ThemeMatch
    polarity: float | None


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the engine found in one testimony; offsets point into redaction.text."""

    redaction: Redaction
    language: LanguageGuess
    sentiment: Sentiment
    sentences: tuple[SentenceScore, ...]
    themes: tuple[ThemeResult, ...]
    analyser_version: str
    codebook_version: str


_taggers: dict[int, ThemeTagger] = {}


def _tagger(codebook: Codebook) -> ThemeTagger:
    tagger = _taggers.get(id(codebook))
    if tagger is None or tagger.codebook is not codebook:
        tagger = _taggers[id(codebook)] = ThemeTagger(codebook)
    return tagger


def analyse_testimony(
    text: str,
    codebook: Codebook,
    *,
    language_hint: str | None = None,
    names: Iterable[str] = (),
) -> Analysis:
    """Analyse a testimony: redact it first, then read only the redacted text."""
    redaction = redact(clean_text(text), names)
    body = redaction.text[:MAX_ANALYSED_CHARS]
    language = detect_language(body, language_hint)
    sentences = split_sentences(body)
    scores = [score_sentence(body[s.start : s.end], language.code) for s in sentences]
    sentence_scores = tuple(SentenceScore(s.start, s.end, sc) for s, sc in zip(sentences, scores, strict=True))
    overall = combine(scores, [s.end - s.start for s in sentences])
    themes = []
    for match in _tagger(codebook).tag(body, sentences):
        carried = [scores[i] for i in match.sentences]
        theme_sentiment = combine(carried, [1] * len(carried))
        themes.append(ThemeResult(match, theme_sentiment.polarity))
    themes.sort(key=lambda t: t.match.theme)
    return Analysis(
        redaction=redaction,
        language=language,
        sentiment=overall,
        sentences=sentence_scores,
        themes=tuple(themes),
        analyser_version=ANALYSER_VERSION,
        codebook_version=codebook.version,
    )
