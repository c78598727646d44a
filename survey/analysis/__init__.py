"""The analysis engine: text in, dataclasses out; no Flask and no database here."""

from survey.analysis.codebook import Codebook, CodebookError, Theme, load_codebook, parse_codebook
from survey.analysis.pipeline import ANALYSER_VERSION, Analysis, analyse_testimony
from survey.analysis.redact import Redaction, redact

__all__ = [
    "ANALYSER_VERSION",
    "Analysis",
    "Codebook",
    "CodebookError",
    "Redaction",
    "Theme",
    "analyse_testimony",
    "load_codebook",
    "parse_codebook",
    "redact",
]
