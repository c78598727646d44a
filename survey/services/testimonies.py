"""Run the analysis engine on testimonies and store what it found."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from flask import current_app

from survey.analysis import Analysis, Codebook, analyse_testimony, load_codebook
from survey.extensions import db
from survey.models import Response, TagSource, Testimonial, ThemeTag


def codebook() -> Codebook:
    """The configured codebook, read again only when its file changes."""
    path = Path(current_app.config["CODEBOOK_PATH"])
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, mtime: int) -> Codebook:
    return load_codebook(path)


def add_testimonial(
    response: Response, question: str, text: str, *, names: Iterable[str] = ()
) -> Testimonial:
    """Store a testimony with its redacted text, language, sentiment and machine tags."""
    testimonial = Testimonial(response=response, question=question, raw_text=text)
    apply_analysis(
        testimonial,
        analyse_testimony(text, codebook(), language_hint=response.language, names=names),
    )
    db.session.add(testimonial)
    return testimonial


def apply_analysis(testimonial: Testimonial, analysis: Analysis) -> None:
    """Replace a testimony's machine results with a new analysis; people's tags stay."""
    testimonial.redacted_text = analysis.redaction.text
    testimonial.redactions = [
        {"kind": s.kind, "start": s.new_start, "end": s.new_end} for s in analysis.redaction.spans
    ]
    testimonial.language = analysis.language.code
    testimonial.polarity = analysis.sentiment.polarity
    testimonial.subjectivity = analysis.sentiment.subjectivity
    testimonial.sentiment_note = analysis.sentiment.reason
    testimonial.sentences = [
        {"start": s.start, "end": s.end, "polarity": s.sentiment.polarity} for s in analysis.sentences
    ]
    testimonial.analyser_version = analysis.analyser_version
    testimonial.codebook_version = analysis.codebook_version
    testimonial.tags = [t for t in testimonial.tags if t.source != TagSource.MACHINE] + [
        ThemeTag(
            theme=result.match.theme,
            source=TagSource.MACHINE,
            confidence=result.match.confidence,
            polarity=result.polarity,
            evidence=[
                {"start": e.start, "end": e.end, "text": e.text, "term": e.term}
                for e in result.match.evidence
            ],
        )
        for result in analysis.themes
    ]
