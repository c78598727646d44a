"""Tag themes per sentence from the codebook's terms, keeping the words behind each tag."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from survey.analysis.codebook import Codebook, Term
from survey.analysis.confidence import Calibration, TagFeatures, shipped_calibration
from survey.analysis.text import MAX_REMEMBERED_LENGTH, MAX_REMEMBERED_WORDS, Sentence, Token, is_word

# A phrase may have up to this many other words between its parts: "feel very safe".
PHRASE_GAP = 2


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words that caused a tag: their span in the text and the sentence they sit in."""

    start: int
    end: int
    text: str
    term: str
    sentence: int
    weak: bool = False  # a generic word of the theme, which counts only beside a specific term


@dataclass(frozen=True, slots=True)
class ThemeMatch:
    """A theme found in a text, its confidence and its evidence."""

    theme: str
    confidence: float
    evidence: tuple[Evidence, ...]

    @property
    def sentences(self) -> tuple[int, ...]:
        """Indexes of the sentences that carry the theme."""
        return tuple(sorted({e.sentence for e in self.evidence}))


def _part_matches(token: Token, part: tuple[str, bool]) -> bool:
    stem, prefix = part
    return token.folded.startswith(stem) if prefix else token.folded == stem


def _match_at(words: Sequence[Token], index: int, term: Term) -> tuple[int, int] | None:
    """Match a term starting at words[index]; return the span of the words it covers."""
    if not _part_matches(words[index], term.parts[0]):
        return None
    last = index
    for part in term.parts[1:]:
        for nxt in range(last + 1, min(last + 2 + PHRASE_GAP, len(words))):
            if _part_matches(words[nxt], part):
                last = nxt
                break
        else:
            return None
    return index, last


class _TermIndex:
    """Terms indexed by their first part, so each word looks at a handful of terms, not all."""

    def __init__(self, entries: Sequence[tuple[str, Term]]) -> None:
        self._exact: dict[str, list[tuple[str, Term]]] = defaultdict(list)
        self._prefix: dict[str, list[tuple[str, Term]]] = defaultdict(list)
        for theme_key, term in entries:
            stem, prefix = term.parts[0]
            (self._prefix if prefix else self._exact)[stem].append((theme_key, term))
        self._prefix_lengths = sorted({len(s) for s in self._prefix})
        self._known: dict[str, list[tuple[str, Term]]] = {}  # words repeat: each is looked up once

    def candidates(self, token: Token) -> list[tuple[str, Term]]:
        """The (theme, term) pairs whose first part this word matches."""
        word = token.folded
        found = self._known.get(word)
        if found is not None:
            return found
        found = list(self._exact.get(word, ()))
        for length in self._prefix_lengths:
            if length > len(word):
                break
            found += self._prefix.get(word[:length], ())
        if len(word) <= MAX_REMEMBERED_LENGTH and len(self._known) < MAX_REMEMBERED_WORDS:
            self._known[word] = found
        return found

    def spans(self, words: Sequence[Token]) -> dict[str, list[tuple[int, int]]]:
        """Where each theme's terms match in a sentence's words."""
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, token in enumerate(words):
            for theme_key, term in self.candidates(token):
                span = _match_at(words, index, term)
                if span is not None:
                    found[theme_key].append(span)
        return found


class ThemeTagger:
    """Tags texts with a codebook's themes; build once, call for many texts."""

    def __init__(self, codebook: Codebook, calibration: Calibration | None = None) -> None:
        self.codebook = codebook
        self.calibration = calibration or shipped_calibration()
        self._terms = _TermIndex([(t.key, term) for t in codebook.themes for term in t.terms])
        self._context = _TermIndex([("context", term) for term in codebook.context])
        # A sub-theme also obeys its parent's exclusions: "vacuna contra el covid" is no extortion.
        self._exclusions = _TermIndex(
            [
                (t.key, term)
                for t in codebook.themes
                for term in t.exclusions + (codebook.by_key[t.parent].exclusions if t.parent else ())
            ]
        )

    def tag(self, text: str, sentences: Sequence[Sentence]) -> list[ThemeMatch]:
        """Find every theme in the sentences, with its evidence and a calibrated confidence."""
        return [match for _, match in self.tag_with_features(text, sentences)]

    def tag_with_features(self, text: str, sentences: Sequence[Sentence]) -> list[tuple[TagFeatures, ThemeMatch]]:
        """The tags, each with the features its confidence was computed from."""
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        for number, sentence in enumerate(sentences):
            words = [t for t in sentence.tokens if is_word(t)]
            excluded: dict[str, list[tuple[int, int]]] | None = None  # found once, when first needed
            for index, token in enumerate(words):
                for theme_key, term in self._terms.candidates(token):
                    span = _match_at(words, index, term)
                    if span is None:
                        continue
                    if excluded is None:
                        excluded = self._exclusions.spans(words)
                    if any(start <= span[1] and span[0] <= end for start, end in excluded.get(theme_key, ())):
                        continue
                    first, last = words[span[0]], words[span[1]]
                    evidence[theme_key].append(
                        Evidence(first.start, last.end, text[first.start : last.end], term.source, number, term.weak)
                    )
        specific = {key.split(".")[0] for key, items in evidence.items() if any(not e.weak for e in items)}
        # Generic words alone ("the school", "a good job") say nothing about the programmes: they count
        # only beside a specific term of some theme, or a word of the codebook's context.
        if not specific and not self._in_context(sentences):
            return []
        return [self._scored(key, items, specific, len(sentences)) for key, items in evidence.items()]

    def _in_context(self, sentences: Sequence[Sentence]) -> bool:
        return any(self._context.spans([t for t in s.tokens if is_word(t)]) for s in sentences)

    def _scored(
        self, key: str, items: Sequence[Evidence], specific: set[str], sentence_count: int
    ) -> tuple[TagFeatures, ThemeMatch]:
        """The features of a theme's evidence and the tag with its calibrated confidence."""
        unique: dict[tuple[int, int], Evidence] = {}
        for item in items:
            unique.setdefault((item.start, item.end), item)
        found = sorted(unique.values(), key=lambda e: e.start)
        carrying = {e.sentence for e in found}
        features = TagFeatures(
            strong_terms=len({e.term for e in found if not e.weak}),
            weak_terms=len({e.term for e in found if e.weak}),
            longest_term=max(len(e.term.split()) for e in found),
            sentence_share=len(carrying) / max(1, sentence_count),
            first_position=min(carrying) / max(1, sentence_count - 1),
            other_themes=len(specific - {key.split(".")[0]}),
        )
        return features, ThemeMatch(key, self.calibration.probability(features), tuple(found))
