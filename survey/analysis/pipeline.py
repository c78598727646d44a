"""One call that redacts, detects the language, splits, tags themes and scores sentiment."""

from __future__ import annotations

import bisect
import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from survey.analysis.codebook import Codebook
from survey.analysis.language import LanguageGuess, detect_language
from survey.analysis.learned import LearnedCodebook, LearnedTag
from survey.analysis.redact import Redaction, redact
from survey.analysis.sentiment import (
    NO_TEXT,
    SCORED_LANGUAGES,
    Reading,
    Sentiment,
    add_up,
    not_scored,
    read_sentences,
    score_reading,
)
from survey.analysis.text import Sentence, clean_text, split_sentences
from survey.analysis.themes import Evidence, ThemeMatch, ThemeTagger

ANALYSER_VERSION = "2026.11.3"
MAX_ANALYSED_CHARS = 20_000  # longer texts are stored whole but analysed on their start
LEARNED_TERM = "learned"  # the term recorded for evidence that a learned codebook found


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
    learned: bool = False


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

    @property
    def theme_keys(self) -> frozenset[str]:
        """The top-level themes found."""
        return frozenset(t.match.theme for t in self.themes if "." not in t.match.theme)


_taggers: dict[int, ThemeTagger] = {}


MAX_TAGGERS = 8  # codebooks in use at once; older ones (a codebook file since edited) are let go


def _tagger(codebook: Codebook) -> ThemeTagger:
    tagger = _taggers.get(id(codebook))
    if tagger is None or tagger.codebook is not codebook:
        if len(_taggers) >= MAX_TAGGERS:
            _taggers.clear()
        tagger = _taggers[id(codebook)] = ThemeTagger(codebook)
    return tagger


def _sentence_of(starts: Sequence[int], offset: int) -> int:
    return max(0, bisect.bisect_right(starts, offset) - 1)


def _merge(
    term_matches: list[ThemeMatch], learned: list[LearnedTag], sentences: Sequence[Sentence]
) -> list[tuple[ThemeMatch, bool]]:
    """Terms and the learned codebook agree or add to each other; evidence from both is kept."""
    merged: dict[str, tuple[ThemeMatch, bool]] = {m.theme: (m, False) for m in term_matches}
    starts = [s.start for s in sentences] if learned else []
    for tag in learned:
        evidence = tuple(
            Evidence(e.start, e.end, e.text, LEARNED_TERM, _sentence_of(starts, e.start)) for e in tag.evidence
        )
        if not evidence and tag.theme not in merged:
            continue  # a tag with no word to show for it ("n/a", "[name]") is not one we can explain
        if tag.theme in merged:
            match, _ = merged[tag.theme]
            spans = {(e.start, e.end) for e in match.evidence}
            extra = tuple(e for e in evidence if (e.start, e.end) not in spans)
            merged[tag.theme] = (
                ThemeMatch(
                    tag.theme,
                    max(match.confidence, tag.confidence),
                    tuple(sorted(match.evidence + extra, key=lambda e: e.start)),
                ),
                True,
            )
        else:
            merged[tag.theme] = (ThemeMatch(tag.theme, tag.confidence, evidence), True)
    return list(merged.values())


def _sentiments(body: str, sentences: Sequence[Sentence], language: str) -> tuple[list[Sentiment], list[Reading]]:
    """Each sentence's sentiment, and what was read in it (empty when the language is not scored)."""
    if language not in SCORED_LANGUAGES:
        return [not_scored(language)] * len(sentences), []
    readings = read_sentences([body[s.start : s.end] for s in sentences])
    return [score_reading(r) for r in readings], readings


def _whole(readings: Sequence[Reading], scores: Sequence[Sentiment]) -> Sentiment:
    """The sentences read as one: on held-out testimonies and on NHS feedback this agrees with
    people better than averaging sentences, which neutral sentences dilute."""
    if len(scores) == 1:
        return scores[0]
    if not scores:
        return NO_TEXT
    return score_reading(add_up(readings)) if readings else scores[0]


def analyse_batch(
    texts: Sequence[str],
    codebook: Codebook,
    *,
    learned: LearnedCodebook | None = None,
    language_hints: Sequence[str | None] | None = None,
    names: Sequence[Iterable[str]] | None = None,
) -> list[Analysis]:
    """Analyse testimonies together (the learned codebook reads them in one pass)."""
    redactions = [redact(clean_text(t), names[i] if names else ()) for i, t in enumerate(texts)]
    bodies = [r.text[:MAX_ANALYSED_CHARS] for r in redactions]
    learned_tags = learned.predict(bodies) if learned is not None else [[] for _ in bodies]
    tagger = _tagger(codebook)
    codebook_version = codebook.version if learned is None else f"{codebook.version}+{learned.version}"
    results = []
    for i, body in enumerate(bodies):
        sentences = split_sentences(body)
        words = (t.folded for s in sentences for t in s.tokens)
        language = detect_language(body, language_hints[i] if language_hints else None, words)
        scores, readings = _sentiments(body, sentences, language.code)
        themes = []
        for match, from_learned in _merge(tagger.tag(body, sentences), learned_tags[i], sentences):
            carried = [k for k in match.sentences if k < len(scores)]
            polarity = _whole([readings[k] for k in carried] if readings else [], [scores[k] for k in carried]).polarity
            themes.append(ThemeResult(match, polarity, from_learned))
        themes.sort(key=lambda t: t.match.theme)
        results.append(
            Analysis(
                redaction=redactions[i],
                language=language,
                sentiment=_whole(readings, scores),
                sentences=tuple(SentenceScore(s.start, s.end, sc) for s, sc in zip(sentences, scores, strict=True)),
                themes=tuple(themes),
                analyser_version=ANALYSER_VERSION,
                codebook_version=codebook_version,
            )
        )
    return results


def prepare(codebook: Codebook, learned: LearnedCodebook | None = None) -> None:
    """Load every model and lexicon now, so that the first testimony is not the slow one, and set
    everything loaded so far aside from the garbage collector.

    For long runs (re-analysis, evaluation, workers). The models live as long as the process, and
    walking through their hundreds of thousands of objects on each full collection took a tenth
    of the time of analysing a large batch; frozen, the collector only looks at what came after.
    """
    from survey.analysis.language import _identifier

    _identifier()
    _tagger(codebook)
    read_sentences(["Warm up the lexicons.", "Both of them: don't, :) 😀"])
    if learned is not None:
        learned.predict(["Warm up the learned codebook."])
    gc.collect()
    gc.freeze()


def analyse_testimony(
    text: str,
    codebook: Codebook,
    *,
    learned: LearnedCodebook | None = None,
    language_hint: str | None = None,
    names: Iterable[str] = (),
) -> Analysis:
    """Analyse one testimony: redact it first, then read only the redacted text."""
    return analyse_batch([text], codebook, learned=learned, language_hints=[language_hint], names=[names])[0]
