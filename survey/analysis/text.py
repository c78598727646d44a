"""Sentences (syntok's segmenter) and words (a regular expression) with offsets: nothing to download."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import syntok.segmenter as segmenter


class Token(NamedTuple):
    """A word or punctuation mark and where it stands in the text.

    A named tuple: a testimony has hundreds of tokens and a tuple is made five times faster than a
    frozen dataclass.
    """

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


class CaseBlind:
    """A pattern that ignores case, run as fast as one that does not: Python's matcher compares each
    letter in both cases when told to ignore case (the name cues took 14 µs a testimony, 6 µs so).

    Its matches are found in the text put in lower case, whose positions are the text's: use their
    positions and which groups matched, not their letters. A text that lowering would lengthen ("İ")
    is matched ignoring case, as is.
    """

    def __init__(self, source: str) -> None:
        self.any_case = re.compile(source, re.IGNORECASE)
        self.lower_case = re.compile(source)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        lowered = text.lower()
        if len(lowered) == len(text):
            return self.lower_case.finditer(lowered)
        return self.any_case.finditer(text)


def fold(word: str) -> str:
    """Lower-case a word and strip its accents: 'Policía' and 'policia' match."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FOLDED_CHARS: dict[str, str] = {}
# The cache of what a word gives (candidate terms) holds this many
# words at most, and no word longer than this (a pasted link, a run of letters): a few tens of MB.
MAX_REMEMBERED_WORDS = 200_000
MAX_REMEMBERED_LENGTH = 40
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold a text character by character and say where each character's folding starts.

    Folding may change the length ('ß' gives 'ss', '…' gives '...', a combining accent gives
    nothing), so `starts[i]` is where text[i] begins in the folded text; `starts[len(text)]`
    is the folded length. text[i:j] folds to folded[starts[i]:starts[j]].
    """
    if text.isascii():
        return text.lower(), list(range(len(text) + 1))
    # Runs of ASCII keep their length when lower-cased: only the other characters are folded one
    # by one (testimonies are mostly ASCII even in Spanish, and "’" alone makes a text non-ASCII).
    pieces = []
    starts: list[int] = []
    position = last = 0
    cache = _FOLDED_CHARS
    for match in _NOT_ASCII.finditer(text):
        i = match.start()
        if i > last:
            pieces.append(text[last:i].lower())
            starts.extend(range(position, position + i - last))
            position += i - last
        char = match.group()
        piece = cache.get(char)
        if piece is None:
            piece = fold(char)
            if len(cache) < 50_000:
                cache[char] = piece
        starts.append(position)
        pieces.append(piece)
        position += len(piece)
        last = i + 1
    pieces.append(text[last:].lower())
    starts.extend(range(position, position + len(text) - last + 1))
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


def _spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans as syntok's segmenter finds them, from each sentence's first to last token."""
    spans = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            tokens = [t for t in sentence if t.value]
            if tokens:
                end = min(tokens[-1].offset + len(tokens[-1].value), len(text))
                spans.append((min(tokens[0].offset, end), end))
    return spans


_new_token = tuple.__new__  # Token(...) without the named tuple's keyword handling: a third faster


def _tokens(text: str, folded: str, starts: list[int] | None, start: int, end: int) -> tuple[Token, ...]:
    found = []
    for match in WORD.finditer(text, start, end):
        s, e = match.span()
        piece = folded[s:e] if starts is None else folded[starts[s] : starts[e]]  # None: folding kept offsets
        found.append(_new_token(Token, (s, e, text[s:e], piece)))
    return tuple(found)


def split_sentences(text: str) -> list[Sentence]:
    """Split a text into sentences of tokens whose offsets point into the text."""
    sentences = []
    folded, starts = fold_with_offsets(text)
    same_offsets = len(folded) == len(text) and text.isascii()
    for start, end in _spans(text):
        tokens = _tokens(text, folded, None if same_offsets else starts, start, end)
        if tokens:
            sentences.append(Sentence(tokens[0].start, tokens[-1].end, tokens))
    return sentences


def is_word(token: Token) -> bool:
    """Say whether a token holds a letter or a digit (not punctuation alone)."""
    return token.text.isalnum() or any(c.isalnum() for c in token.text)
