"""Sentences and words with their offsets, from syntok's rules: nothing to download."""

from __future__ import annotations

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


def split_sentences(text: str) -> list[Sentence]:
    """Split a text into sentences of tokens whose offsets point into the text."""
    sentences: list[Sentence] = []
    length = len(text)
    for paragraph in segmenter.analyze(text):
        for raw_sentence in paragraph:
            tokens = []
            for raw in raw_sentence:
                start = min(raw.offset, length)
                end = min(start + len(raw.value), length)
                if end <= start:
                    continue
                surface = text[start:end]
                tokens.append(Token(start, end, surface, fold(surface)))
            if tokens:
                sentences.append(Sentence(tokens[0].start, tokens[-1].end, tuple(tokens)))
    return sentences


def is_word(token: Token) -> bool:
    """Say whether a token holds a letter or a digit (not punctuation alone)."""
    return any(c.isalnum() for c in token.text)
