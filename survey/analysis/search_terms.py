"""What an evaluator typed in the search box: words and "quoted phrases" to find, -words to leave out.

The same reading as PostgreSQL's websearch_to_tsquery, for the databases that lack it and for
highlighting the matches in a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


@dataclass(frozen=True)
class SearchTerms:
    """Words or phrases a text must hold, and those it must not."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]


def parse_search(query: str) -> SearchTerms:
    """Split a search into lower-case terms; "or" and lone dashes are not terms."""
    include: list[str] = []
    exclude: list[str] = []
    for match in _TOKEN.finditer(query):
        minus, text = (match.group(1), match.group(2)) if match.group(2) is not None else match.group(3, 4)
        words = " ".join(re.findall(r"\w+", text.lower()))
        if not words or (words == "or" and match.group(2) is None):
            continue
        (exclude if minus else include).append(words)
    return SearchTerms(tuple(dict.fromkeys(include)), tuple(dict.fromkeys(exclude)))


def fts5_query(terms: SearchTerms) -> str:
    """The terms as an SQLite FTS5 query: each word or phrase quoted, those to leave out after NOT.

    Terms hold only word characters and spaces (parse_search keeps nothing else), so quoting is safe.
    """
    query = " AND ".join(f'"{term}"' for term in terms.include)
    return "".join([query, *(f' NOT "{term}"' for term in terms.exclude)])


def match_spans(text: str, terms: SearchTerms) -> list[tuple[int, int]]:
    """Where the terms to find occur in the text as whole words, merged and in order."""
    spans: list[tuple[int, int]] = []
    for term in terms.include:
        pattern = r"(?<!\w)" + r"\W+".join(re.escape(w) for w in term.split()) + r"(?!\w)"
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
