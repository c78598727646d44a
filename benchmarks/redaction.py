"""Names hidden and places kept: Voces's redaction next to hiding every capitalised word.

Data: MEDDOCAN's Spanish name spans beside the repository (../shared/data/es), synthetic clinical
reports with no place labels (so its over-redaction is the share of other capitalised words
hidden), and the testimony-like sentences in tests/data, with names, places and organisations
marked in Spanish and English: names_labelled.jsonl, which the rules were shaped on, and
names_heldout.jsonl, written after them. Both methods run on the same texts in the same run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import ROOT
from survey.analysis.redaction_scores import (
    NameLabels,
    Span,
    capitalised_words,
    redaction_spans,
    score_redaction,
    spans_of,
)

MEDDOCAN = Path(os.environ.get("VOCES_SHARED_DATA", ROOT.parent / "shared" / "data")) / "es" / "names_meddocan_es.jsonl"
OWN = ROOT / "tests" / "data" / "names_labelled.jsonl"
HELD_OUT = ROOT / "tests" / "data" / "names_heldout.jsonl"
METHODS: dict[str, Callable[[str], list[Span]]] = {
    "Voces redaction": redaction_spans,
    "capitalised words": capitalised_words,
}


def read(path: Path) -> list[NameLabels]:
    """The labelled lines of a names file."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        where = f"{path.name} line {number}"
        rows.append(
            NameLabels(record["text"], spans_of(record["names"], where), spans_of(record.get("places", []), where))
        )
    return rows


def _percent(share: float | None) -> str:
    return "   n/a" if share is None else f"{100 * share:5.1f}%"


def report(title: str, rows: list[NameLabels]) -> dict[str, dict[str, object]]:
    """Print each method's figures on these rows, one line each, and return them."""
    print(f"{title}: {len(rows)} texts")
    results: dict[str, dict[str, object]] = {}
    for name, method in METHODS.items():
        start = time.perf_counter()
        scores = score_redaction(rows, method)
        seconds = time.perf_counter() - start
        results[name] = scores | {"texts_per_s": round(len(rows) / seconds, 1) if seconds > 0 else None}
        print(
            f"  {name:<18} names hidden {_percent(scores['name_recall'])} of {scores['name_tokens']} words  "
            f"places/orgs hidden {_percent(scores['places_hidden'])}  "
            f"other capitalised hidden {_percent(scores['other_capitalised_hidden'])}  "
            f"({len(rows) / seconds:.0f} texts/s)"
        )
    return results


def run() -> None:
    """Print recall and over-redaction on each names set that is here."""
    print("== redaction of people's names ==")
    figures = {
        "own": report("Testimony-like sentences (es, en)", read(OWN)),
        "held_out": report("Testimony-like sentences written after the rules (es, en)", read(HELD_OUT)),
    }
    if MEDDOCAN.exists():
        figures["meddocan"] = report("MEDDOCAN (es, synthetic clinical reports)", read(MEDDOCAN))
    else:
        print(f"MEDDOCAN names not found at {MEDDOCAN}: skipping it")
    print(json.dumps({"redaction": figures}))
