"""One call that redacts, detects the language, splits, tags themes and scores sentiment."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from survey.analysis.codebook import Codebook
from survey.analysis.confidence import Calibration
from survey.analysis.language import LanguageGuess, detect_language, language_model
from survey.analysis.learned import LearnedCodebook, LearnedTag
from survey.analysis.redact import Redaction, redact
from survey.analysis.sentiment import NO_TEXT, SCORED_LANGUAGES, Sentiment, not_scored, score_sentence
from survey.analysis.text import Sentence, clean_text, split_sentences
from survey.analysis.themes import Evidence, ThemeMatch, ThemeTagger

ANALYSER_VERSION = "2026.12.5"
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


def redact_testimony(text: str, names: Iterable[str] = (), places: Iterable[str] = ()) -> Redaction:
    """The testimony as everyone but an administrator reads it: the first step of the analysis,
    also taken on its own when a testimony is stored before it is analysed."""
    return redact(clean_text(text), names, places)


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


class _Scores:
    """The sentiment of each sentence, and of sentences read together, each read once."""

    def __init__(self, body: str, sentences: Sequence[Sentence], language: str) -> None:
        self.pieces = [body[s.start : s.end] for s in sentences]
        self.language = language
        self.scored = language in SCORED_LANGUAGES
        self.each = (
            [score_sentence(p, language) for p in self.pieces]
            if self.scored
            else [not_scored(language)] * len(sentences)
        )
        self._together: dict[tuple[int, ...], Sentiment] = {}

    def together(self, indexes: Sequence[int]) -> Sentiment:
        """The sentences read as one text: on held-out testimonies and on NHS feedback this agrees
        with people better than averaging sentences, which neutral sentences dilute."""
        if not indexes:
            return NO_TEXT
        if len(indexes) == 1 or not self.scored:
            return self.each[indexes[0]]
        key = tuple(indexes)
        if key not in self._together:
            self._together[key] = score_sentence(" ".join(self.pieces[k] for k in key), self.language)
        return self._together[key]


@dataclass(frozen=True, eq=False)
class Engine:
    """The analysis as configured: a codebook, perhaps a learned codebook, and the codebook's tagger.

    Made once for a codebook and learned codebook and kept while they stay the same; it holds only
    what it is given and what it builds from them, so it can be sent to other processes.
    """

    codebook: Codebook
    learned: LearnedCodebook | None = None
    calibration: Calibration | None = None  # None: the calibration shipped in the package
    tagger: ThemeTagger = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tagger", ThemeTagger(self.codebook, self.calibration))

    analyser_version = ANALYSER_VERSION

    @property
    def codebook_version(self) -> str:
        """The codebook's version, with the learned codebook's after a '+' when there is one."""
        book = self.codebook.version
        return book if self.learned is None else f"{book}+{self.learned.version}"

    def warm_up(self) -> None:
        """Load the language model, the lexicons and the learned codebook now rather than on the
        first testimony."""
        language_model()
        score_sentence("Warm up the lexicons: don't :) 😀", "en")
        score_sentence("Y el modelo del español: ya no hay balaceras.", "es")
        if self.learned is not None:
            self.learned.predict(["Warm up the learned codebook."])

    def analyse_batch(
        self,
        texts: Sequence[str],
        *,
        language_hints: Sequence[str | None] | None = None,
        names: Sequence[Iterable[str]] | None = None,
        places: Sequence[Iterable[str]] | None = None,
        redactions: Sequence[Redaction | None] | None = None,
    ) -> list[Analysis]:
        """Analyse testimonies together (the learned codebook reads them in one pass); `names` are
        each one's names given in other fields, `places` the place names that stay (its site's),
        `redactions` what redact_testimony gave for them already with those names and places (None
        where it has not run)."""
        given = redactions if redactions is not None else [None] * len(texts)
        redacted = [
            done if done is not None else redact_testimony(t, names[i] if names else (), places[i] if places else ())
            for i, (t, done) in enumerate(zip(texts, given, strict=True))
        ]
        bodies = [r.text[:MAX_ANALYSED_CHARS] for r in redacted]
        learned_tags = self.learned.predict(bodies) if self.learned is not None else [[] for _ in bodies]
        results = []
        for i, body in enumerate(bodies):
            sentences = split_sentences(body)
            words = (t.folded for s in sentences for t in s.tokens)
            language = detect_language(body, language_hints[i] if language_hints else None, words)
            scores = _Scores(body, sentences, language.code)
            themes = []
            for match, from_learned in _merge(self.tagger.tag(body, sentences), learned_tags[i], sentences):
                carried = [k for k in match.sentences if k < len(sentences)]
                themes.append(ThemeResult(match, scores.together(carried).polarity, from_learned))
            themes.sort(key=lambda t: t.match.theme)
            results.append(
                Analysis(
                    redaction=redacted[i],
                    language=language,
                    sentiment=scores.together(range(len(sentences))),
                    sentences=tuple(
                        SentenceScore(s.start, s.end, sc) for s, sc in zip(sentences, scores.each, strict=True)
                    ),
                    themes=tuple(themes),
                    analyser_version=self.analyser_version,
                    codebook_version=self.codebook_version,
                )
            )
        return results

    def analyse(
        self, text: str, *, language_hint: str | None = None, names: Iterable[str] = (), places: Iterable[str] = ()
    ) -> Analysis:
        """Analyse one testimony: redact it first, then read only the redacted text."""
        return self.analyse_batch([text], language_hints=[language_hint], names=[names], places=[places])[0]


def analyse_batch(
    texts: Sequence[str],
    codebook: Codebook,
    *,
    learned: LearnedCodebook | None = None,
    language_hints: Sequence[str | None] | None = None,
    names: Sequence[Iterable[str]] | None = None,
) -> list[Analysis]:
    """Analyse testimonies with an engine made for this codebook (for one-off use: tests, evaluation)."""
    return Engine(codebook, learned).analyse_batch(texts, language_hints=language_hints, names=names)


def analyse_testimony(
    text: str,
    codebook: Codebook,
    *,
    learned: LearnedCodebook | None = None,
    language_hint: str | None = None,
    names: Iterable[str] = (),
) -> Analysis:
    """Analyse one testimony with an engine made for this codebook (for one-off use)."""
    return Engine(codebook, learned).analyse(text, language_hint=language_hint, names=names)


_process_engine: list[Engine] = []  # the engine of a worker process, set once when the process starts


def use_in_this_process(engine: Engine) -> None:
    """Start a worker process of a pool: keep its engine and load the models before the first batch."""
    _process_engine[:] = [engine]
    engine.warm_up()


def analyse_in_this_process(
    texts: Sequence[str],
    language_hints: Sequence[str | None],
    names: Sequence[Sequence[str]],
    places: Sequence[Sequence[str]] | None = None,
) -> list[Analysis]:
    """A worker's batch, analysed by the engine `use_in_this_process` gave it."""
    return _process_engine[0].analyse_batch(texts, language_hints=language_hints, names=names, places=places)
