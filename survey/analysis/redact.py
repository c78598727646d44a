"""Remove personal details before anyone but an administrator reads a testimony."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from survey.analysis.text import fold

# Bounded and anchored, so a 100 kB run of letters is scanned once, not once per position.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Phone numbers as people write them: +57 310 555 1234, (604) 555-0199, 55 1234 5678, 3105551234.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}(?![\w])"
)
# Identity-card-like numbers: 1.023.456.789 (Colombian cédula) or a long run of digits.
ID_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:\.\d{3}){2,3}|\d{6,12})(?![\w])")
SELF_NAMED = re.compile(
    r"\b(?:my name is|i am called|me llamo|mi nombre es)\s+"
    r"((?:[A-ZÁÉÍÓÚÑ][\w'’-]+)(?:\s+[A-ZÁÉÍÓÚÑ][\w'’-]+){0,2})",
    re.IGNORECASE,
)
YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s?[-–]\s?(?:19|20)\d\d")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15


@dataclass(frozen=True, slots=True)
class RedactedSpan:
    """What was removed: its kind, where it was, and where its placeholder is now."""

    kind: str
    start: int
    end: int
    new_start: int
    new_end: int


@dataclass(frozen=True, slots=True)
class Redaction:
    """A text with personal details replaced by placeholders such as [email]."""

    text: str
    spans: tuple[RedactedSpan, ...]


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


def _find_spans(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    found += [(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    found += [(m.start(), m.end(), "url") for m in URL.finditer(text)]
    found += [
        (m.start(), m.end(), "phone")
        for m in PHONE.finditer(text)
        if MIN_PHONE_DIGITS <= _digits(m.group()) <= MAX_PHONE_DIGITS
        and not re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,3}", m.group())
        and not YEAR_RANGE.fullmatch(m.group())
    ]
    found += [(m.start(), m.end(), "id") for m in ID_NUMBER.finditer(text)]
    found += [(m.start(1), m.end(1), "name") for m in SELF_NAMED.finditer(text)]
    found += _name_spans(text, names)
    return found


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    """Find the names given elsewhere in the response, whole words, ignoring case and accents."""
    parts = [part for name in names for part in re.split(r"\s+", name.strip()) if len(part) >= 2]
    folded = fold(text)
    words = {fold(part) for part in parts}
    if len(folded) != len(text):  # folding changed lengths (ß, ligatures): match lower case instead
        folded, words = text.lower(), {part.lower() for part in parts}
    words.discard("")
    if not words:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?!\w)")
    return [(m.start(), m.end(), "name") for m in pattern.finditer(folded)]


def redact(text: str, names: Iterable[str] = ()) -> Redaction:
    """Replace e-mails, URLs, phone and ID numbers and the given names with placeholders."""
    spans = sorted(_find_spans(text, names), key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if kept and start < kept[-1][1]:
            continue  # overlaps a longer or earlier span already kept
        kept.append((start, end, kind))
    pieces: list[str] = []
    result: list[RedactedSpan] = []
    cursor = position = 0
    for start, end, kind in kept:
        pieces.append(text[cursor:start])
        position += start - cursor
        placeholder = f"[{kind}]"
        pieces.append(placeholder)
        result.append(RedactedSpan(kind, start, end, position, position + len(placeholder)))
        position += len(placeholder)
        cursor = end
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), tuple(result))
