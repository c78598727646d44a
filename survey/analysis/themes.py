"""Tag themes per sentence from the codebook's terms, keeping the words behind each tag."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from survey.analysis.codebook import Codebook, Term
from survey.analysis.text import Sentence, Token, is_word

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


def _find(words: Sequence[Token], terms: Sequence[Term]) -> list[tuple[int, int, Term]]:
    hits = []
    for i in range(len(words)):
        for term in terms:
            span = _match_at(words, i, term)
            if span:
                hits.append((span[0], span[1], term))
    return hits


class ThemeTagger:
    """Tags texts with a codebook's themes; build once, call for many texts."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        # Index terms by their first part so each word looks at a handful of terms, not all.
        self._exact: dict[str, list[tuple[str, Term]]] = defaultdict(list)
        self._prefix: dict[str, list[tuple[str, Term]]] = defaultdict(list)
        for theme in codebook.themes:
            for term in theme.terms:
                stem, prefix = term.parts[0]
                (self._prefix if prefix else self._exact)[stem].append((theme.key, term))
        self._prefix_lengths = sorted({len(s) for s in self._prefix})
        # A sub-theme also obeys its parent's exclusions: "vacuna contra el covid" is no extortion.
        self._exclusions = {
            t.key: t.exclusions + (codebook.by_key[t.parent].exclusions if t.parent else ()) for t in codebook.themes
        }

    def _candidates(self, token: Token) -> list[tuple[str, Term]]:
        found = list(self._exact.get(token.folded, ()))
        for length in self._prefix_lengths:
            if length > len(token.folded):
                break
            found += self._prefix.get(token.folded[:length], ())
        return found

    def tag(self, text: str, sentences: Sequence[Sentence]) -> list[ThemeMatch]:
        """Find every theme in the sentences, with its evidence and a confidence."""
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        for number, sentence in enumerate(sentences):
            words = [t for t in sentence.tokens if is_word(t)]
            for index, token in enumerate(words):
                for theme_key, term in self._candidates(token):
                    span = _match_at(words, index, term)
                    if span is None or self._excluded(theme_key, words, span):
                        continue
                    first, last = words[span[0]], words[span[1]]
                    evidence[theme_key].append(
                        Evidence(first.start, last.end, text[first.start : last.end], term.source, number)
                    )
        return [self._match(key, items) for key, items in evidence.items()]

    def _excluded(self, theme_key: str, words: Sequence[Token], span: tuple[int, int]) -> bool:
        exclusions = self._exclusions[theme_key]
        if not exclusions:
            return False
        for start, end, _ in _find(words, exclusions):
            if start <= span[1] and span[0] <= end:
                return True
        return False

    def _match(self, key: str, items: list[Evidence]) -> ThemeMatch:
        unique: dict[tuple[int, int], Evidence] = {}
        for item in items:
            unique.setdefault((item.start, item.end), item)
        distinct_terms = len({e.term for e in unique.values()})
        # Each further distinct term makes the tag likelier to be right: 0.6, 0.8, 0.9, ...
        confidence = round(1 - 0.4 * 0.5 ** (distinct_terms - 1), 3)
        return ThemeMatch(key, confidence, tuple(sorted(unique.values(), key=lambda e: e.start)))
