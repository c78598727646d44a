"""Sentences (syntok's rules) and words (a regular expression) with offsets: nothing to download."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import syntok.segmenter as segmenter


@dataclass(frozen=True, slots=True)
class Token:
    """A word or punctuation mark and where it stands in the text."""

    start: int
    end: int
    text: str
    folded: str  # lower case without accents, for matching


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence, its span in the text, and its tokens."""

    start: int
    end: int
    tokens: tuple[Token, ...]


def clean_text(text: str) -> str:
    """Replace lone surrogates with U+FFFD one for one, so offsets stay the same."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def fold(word: str) -> str:
    """Lower-case a word and strip its accents: 'Policía' and 'policia' match."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
# Where a text may hold more than one sentence; texts without such a place are one sentence.
BOUNDARY = re.compile(r"[.!?…;:](?=[\s\"'”»)]*\s+\S)|\n\s*\S")


def _tokens(text: str, folded: str | None, start: int, end: int) -> tuple[Token, ...]:
    if folded is None:  # folding changed the length (ligatures, ß): fold word by word
        return tuple(Token(m.start(), m.end(), m.group(), fold(m.group())) for m in WORD.finditer(text, start, end))
    return tuple(Token(m.start(), m.end(), m.group(), folded[m.start() : m.end()]) for m in WORD.finditer(text, start, end))


def _spans(text: str) -> list[tuple[int, int]]:
    stripped = text.strip()
    if not stripped:
        return []
    if not BOUNDARY.search(stripped):
        start = len(text) - len(text.lstrip())
        return [(start, start + len(stripped))]
    spans = []
    length = len(text)
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            tokens = [t for t in sentence if t.value]
            if tokens:
                start = min(tokens[0].offset, length)
                spans.append((start, min(tokens[-1].offset + len(tokens[-1].value), length)))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Split a text into sentences of tokens whose offsets point into the text."""
    sentences = []
    whole = fold(text)
    folded = whole if len(whole) == len(text) else None
    for start, end in _spans(text):
        tokens = _tokens(text, folded, start, end)
        if tokens:
            sentences.append(Sentence(tokens[0].start, tokens[-1].end, tokens))
    return sentences


def is_word(token: Token) -> bool:
    """Say whether a token holds a letter or a digit (not punctuation alone)."""
    return any(c.isalnum() for c in token.text)
