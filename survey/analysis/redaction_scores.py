"""Redaction over files of texts, and how well it hides people's names and keeps places: word by
word, against people's labels."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.analysis.redact import redact

Span = tuple[int, int]
TOKEN = re.compile(r"[^\W_]+")
CAPITALISED = re.compile(r"[^\W\d_][\w'’-]*")
SENTENCE_END = re.compile(r"[.!?]\s*\Z")


@dataclass(frozen=True, slots=True)
class NameLabels:
    """A text with the spans people marked as a person's name, and as places or organisations."""

    text: str
    names: tuple[Span, ...]
    places: tuple[Span, ...] = ()


def spans_of(value: Any, where: str) -> tuple[Span, ...]:
    """Read `[[start, end], ...]` from a labelled line; ValueError names the line at fault."""
    if not isinstance(value, list) or not all(
        isinstance(s, list) and len(s) == 2 and all(isinstance(n, int) for n in s) and 0 <= s[0] < s[1] for s in value
    ):
        raise ValueError(f"{where}: spans must be a list of [start, end] with start < end")
    return tuple((s[0], s[1]) for s in value)


def redaction_spans(text: str) -> list[Span]:
    """What Voces's redaction hides in a text, as (start, end) into it."""
    return [(s.start, s.end) for s in redact(text).spans]


def capitalised_words(text: str) -> list[Span]:
    """The baseline: hide every capitalised word that does not open the text or a sentence."""
    return [
        m.span()
        for m in CAPITALISED.finditer(text)
        if m.group()[0].isupper() and text[: m.start()].strip() and not SENTENCE_END.search(text, 0, m.start())
    ]


def _within(start: int, end: int, spans: Sequence[Span]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _hidden(start: int, end: int, spans: Sequence[Span]) -> bool:
    return any(a < end and start < b for a, b in spans)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def score_redaction(rows: Sequence[NameLabels], find: Callable[[str], list[Span]] = redaction_spans) -> dict[str, Any]:
    """Share of name words hidden (recall), of place and organisation words hidden, and of other
    capitalised words hidden (not the first word of a text), over the words of every text."""
    names = names_hidden = places = places_hidden = others = others_hidden = 0
    for row in rows:
        hidden = find(row.text)
        for m in TOKEN.finditer(row.text):
            start, end = m.span()
            covered = _hidden(start, end, hidden)
            if _within(start, end, row.names):
                names, names_hidden = names + 1, names_hidden + covered
            elif _within(start, end, row.places):
                places, places_hidden = places + 1, places_hidden + covered
            elif m.group()[0].isupper() and row.text[:start].strip():
                others, others_hidden = others + 1, others_hidden + covered
    return {
        "name_tokens": names,
        "name_recall": _share(names_hidden, names),
        "place_tokens": places,
        "places_hidden": _share(places_hidden, places),
        "other_capitalised_tokens": others,
        "other_capitalised_hidden": _share(others_hidden, others),
    }


def read_texts(path: str | Path) -> Iterator[str]:
    """The texts of a JSONL file, one `{"text": ...}` a line; ValueError names the line at fault."""
    source = Path(path)
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{source.name} line {number}: not JSON ({error.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError(f"{source.name} line {number}: each line needs a text")
            yield record["text"]


def redaction_record(text: str, places: Iterable[str] = ()) -> dict[str, Any]:
    """A text, its redacted form, and what was hidden, with offsets into the text as given."""
    result = redact(text, places=places)
    return {
        "text": text,
        "redacted": result.text,
        "spans": [{"start": s.start, "end": s.end, "kind": s.kind} for s in result.spans],
    }
