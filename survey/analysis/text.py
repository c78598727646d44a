"""Sentences (syntok's rules) and words (a regular expression) with offsets: nothing to download."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import syntok.segmenter as segmenter
from syntok._segmentation_states import State as _SyntokRules


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


def fold(word: str) -> str:
    """Lower-case a word and strip its accents: 'Policía' and 'policia' match."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_FOLDED_CHARS: dict[str, str] = {}
# Caches of what a word gives (candidate terms, n-gram columns, TextBlob's split) hold this many
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

# Sentences are syntok's. Most boundaries in testimonies are plain ("...it closed. Now we...") and
# syntok's rules settle them the same way every time, so they are decided here without running
# syntok's tokenizer and state machine, which cost more than the rest of the analysis together.
# Anything else (abbreviations, numbers, quotes, brackets, "?!") goes to syntok itself; a property
# test holds the two to the same output.
_TERMINAL_CHARS = "".join(sorted(c for c in _SyntokRules.terminals if len(c) == 1))
_TERMINAL_RUN = re.compile(f"[{re.escape(_TERMINAL_CHARS)}]+")
_BRACKET = re.compile(f"[{re.escape(''.join(_SyntokRules.opening_brackets | _SyntokRules.closing_brackets))}]")
_END_OF_PARAGRAPH = re.compile(rf"[{re.escape(''.join(_SyntokRules.closing_quotes))}]*\s*\Z")
_LETTERS_BEFORE = re.compile(r"(?:(?<=\s)|(?<!.))([^\W\d_]{2,})\s*\Z", re.DOTALL)  # the whole word before
_WORD_AFTER = re.compile(r"\s+([^\W\d_]+)(?!\w)")  # the next word, if it is letters only
_GLUED_WORD_AFTER = re.compile(r"([^\W\d_][^\W\d_A-Z]+)(?![\w.])")  # "...came quickly.They were"
_PLAIN_RUN = re.compile(r"[!?]+|\.\.\.")
_SPACE = re.compile(r"\s+")
_ODD_SPACE = re.compile("[\x1c-\x1f]")
# An aside in brackets inside a sentence, with no terminal in it: "the crew (two of them) were kind".
_INSIDE = rf"(?! )[^{re.escape(_TERMINAL_CHARS)}()\[\]{{}}]+(?<! )"
_ASIDE = re.compile(rf"(?<=[\w,] )(?:\({_INSIDE}\)|\[{_INSIDE}\])(?=,| [a-z])")


def _blank(aside: re.Match[str]) -> str:
    return "x" * len(aside.group())


# Words after which syntok may not end a sentence: its abbreviations, months and roman numerals.
_NOT_AN_END = _SyntokRules.abbreviations | _SyntokRules.months | _SyntokRules.roman_numerals


def _one_word(word: str) -> bool:
    """Say whether syntok's tokenizer reads the letters as one word ("McDonald" is two to it)."""
    return word.isalpha() and (word.isupper() or word[1:].islower())


def _plain_ends(paragraph: str) -> list[int] | None:
    """Where the paragraph's sentences end, if every boundary in it is plain; else None.

    Plain ends: a full stop, question or exclamation mark (or ';', a terminal to syntok; or "!!",
    "?!", "...") after a word of two or more letters that starts after a space and is not one syntok
    treats as an abbreviation, then space and a capitalised word of letters only; or a lone full
    stop glued to such a word ("quickly.They"). Plain non-ends: a terminal followed by a lower-case
    letter, and a decimal point. Asides in brackets with no terminal inside are allowed.
    """
    if _BRACKET.search(paragraph) and _BRACKET.search(_ASIDE.sub(_blank, paragraph)):
        return None
    ends = []
    for run in _TERMINAL_RUN.finditer(paragraph):
        start, end = run.span()
        if _END_OF_PARAGRAPH.match(paragraph, end):
            break
        marks = run.group()
        if len(marks) > 1 and not _PLAIN_RUN.fullmatch(marks):
            return None
        spaced = paragraph[end].isspace()
        first = paragraph[_SPACE.match(paragraph, end).end()] if spaced else paragraph[end]
        if first.islower():
            continue
        if not spaced and marks == "." and paragraph[start - 1 : start].isdigit() and first.isdigit():
            continue  # a decimal point
        if not spaced and marks != ".":
            return None
        before = _LETTERS_BEFORE.search(paragraph, max(0, start - 40), start)
        after = _WORD_AFTER.match(paragraph, end) if spaced else _GLUED_WORD_AFTER.match(paragraph, end)
        plain_after = after and first.isupper() and first.isalpha() and _one_word(after[1])
        if not (plain_after and before and _one_word(before[1]) and before[1] not in _NOT_AN_END):
            return None
        if len(marks) > 1 and before.end(1) != start:  # "no ?? Dr" is syntok's to settle
            return None
        ends.append(end)
    return ends


_SYNTOK_TOKENIZER = segmenter.Tokenizer(replace_not_contraction=False)  # as segmenter.analyze makes it


def _syntok_spans(paragraph: str, offset: int) -> list[tuple[int, int]]:
    spans = []
    limit = offset + len(paragraph)
    for sentence in segmenter.segment(_SYNTOK_TOKENIZER.tokenize(paragraph, offset)):
        tokens = [t for t in sentence if t.value]
        if tokens:
            spans.append((min(tokens[0].offset, limit), min(tokens[-1].offset + len(tokens[-1].value), limit)))
    return spans


def _spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans, exactly as syntok's segmenter.analyze gives them."""
    # Separators that Python's \s counts as space and syntok's does not: leave every boundary to it.
    odd_spaces = _ODD_SPACE.search(text) is not None
    spans = []
    for offset, paragraph in segmenter.preprocess_with_offsets(text):
        ends = None if odd_spaces else _plain_ends(paragraph)
        if ends is None:
            spans += _syntok_spans(paragraph, offset)
            continue
        start = 0
        for end in [*ends, len(paragraph)]:
            piece = paragraph[start:end]
            stripped = piece.strip()
            if stripped:
                first = start + len(piece) - len(piece.lstrip())
                spans.append((offset + first, offset + first + len(stripped)))
            start = end
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
