"""Sentences (syntok's rules) and words (a regular expression) with offsets: nothing to download."""

from __future__ import annotations

import bisect
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
    """Replace lone surrogates with U+FFFD and compose accents (NFC): 'polici\u0301a' is 'policía'.

    Composing may shorten the text; the raw text is kept apart, and every offset found later
    points into this cleaned text.
    """
    replaced = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return unicodedata.normalize("NFC", replaced)


def fold(word: str) -> str:
    """Lower-case a word and strip its accents: 'Policía' and 'policia' match."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FOLDED_CHARS: dict[str, str] = {}


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold a text character by character and say where each character's folding starts.

    Folding may change the length ('ß' gives 'ss', '…' gives '...', a combining accent gives
    nothing), so `starts[i]` is where text[i] begins in the folded text; `starts[len(text)]`
    is the folded length. text[i:j] folds to folded[starts[i]:starts[j]].
    """
    if text.isascii():
        return text.lower(), list(range(len(text) + 1))
    pieces = []
    starts = [0] * (len(text) + 1)
    position = 0
    cache = _FOLDED_CHARS
    for i, char in enumerate(text):
        piece = cache.get(char)
        if piece is None:
            piece = fold(char)
            if len(cache) < 50_000:
                cache[char] = piece
        starts[i] = position
        pieces.append(piece)
        position += len(piece)
    starts[len(text)] = position
    return "".join(pieces), starts


def original_span(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a span of the folded text back to the smallest span of the text that folds to it.

    A character whose folding the span only partly covers ('ß' for 's') is taken whole, and so
    are the accents that follow the span's last letter ('e' + U+0301).
    """
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = bisect.bisect_left(starts, end)
    if last < len(starts) and starts[last] == end:
        last = bisect.bisect_right(starts, end) - 1
    return first, max(min(last, len(starts) - 1), first)


# Combining accents belong to the word they follow, should a text reach here decomposed.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD = re.compile(rf"\w[\w{_MARKS}]*(?:['’]\w[\w{_MARKS}]*)*|[^\w\s]")
# Where a text may hold more than one sentence; texts without such a place are one sentence.
BOUNDARY = re.compile(r"[.!?…;:](?=[\s\"'”»)]*\s+\S)|\n\s*\S")


def _tokens(text: str, folded: str, starts: list[int], start: int, end: int) -> tuple[Token, ...]:
    return tuple(
        Token(m.start(), m.end(), m.group(), folded[starts[m.start()] : starts[m.end()]])
        for m in WORD.finditer(text, start, end)
    )


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
    folded, starts = fold_with_offsets(text)
    for start, end in _spans(text):
        tokens = _tokens(text, folded, starts, start, end)
        if tokens:
            sentences.append(Sentence(tokens[0].start, tokens[-1].end, tokens))
    return sentences


def is_word(token: Token) -> bool:
    """Say whether a token holds a letter or a digit (not punctuation alone)."""
    return any(c.isalnum() for c in token.text)
