"""Fit the confidence calibration shipped in the package, from labelled testimonies.

    python -m survey.analysis.calibrate tests/data/testimonies_labelled.jsonl \
        [--codebook config/codebook.yaml] [--out survey/analysis/data/confidence.json]

Each top-level tag the default codebook gives a labelled text is one decision: kept when people
gave the text that theme. The held-out testimonies are left for `analysis evaluate` to measure.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from pathlib import Path

from survey.analysis.codebook import Codebook, load_codebook
from survey.analysis.confidence import CALIBRATION_FILE, Calibration, TagFeatures, fit_calibration
from survey.analysis.evaluation import read_labelled
from survey.analysis.text import clean_text, split_sentences
from survey.analysis.themes import ThemeTagger


def tag_decisions(coded: Iterable[tuple[str, frozenset[str]]], codebook: Codebook) -> list[tuple[TagFeatures, bool]]:
    """Each top-level tag of the coded texts, with its features and whether people gave that theme."""
    tagger = ThemeTagger(codebook)
    decisions = []
    for text, themes in coded:
        body = clean_text(text)
        for features, match in tagger.tag_with_features(body, split_sentences(body)):
            if "." not in match.theme:
                decisions.append((features, match.theme in themes))
    return decisions


def calibrate_on(coded: Iterable[tuple[str, frozenset[str]]], codebook: Codebook, source: str) -> Calibration:
    """The calibration fitted on coded texts (the shipped one when they are too few)."""
    return fit_calibration(tag_decisions(coded, codebook), source)


def main(argv: Sequence[str] | None = None) -> None:
    """Fit on a labelled file and write the calibration as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labelled")
    parser.add_argument("--codebook", default="config/codebook.yaml")
    parser.add_argument("--out", default=str(Path(__file__).parent / "data" / CALIBRATION_FILE))
    args = parser.parse_args(argv)
    rows = [(r.text, r.themes) for r in read_labelled(args.labelled) if r.themes is not None]
    calibration = calibrate_on(rows, load_codebook(args.codebook), Path(args.labelled).name)
    Path(args.out).write_text(calibration.dumps(), encoding="utf-8")
    print(f"fitted on {calibration.decisions} tags from {len(rows)} texts: {args.out}")


if __name__ == "__main__":
    main()
