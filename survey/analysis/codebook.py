"""The codebook: themes with labels, descriptions, terms and exclusions in each language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from survey.analysis.text import fold

LANGUAGES = ("en", "es")


class CodebookError(ValueError):
    """A codebook that cannot be used, with the theme and field at fault."""


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase to match: each part either a whole word or a stem ending in *."""

    source: str
    parts: tuple[tuple[str, bool], ...]  # (folded word, is_prefix)


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook."""

    key: str
    label: Mapping[str, str]
    description: Mapping[str, str]
    terms: tuple[Term, ...]
    exclusions: tuple[Term, ...] = ()
    parent: str | None = None

    def label_in(self, language: str) -> str:
        """The theme's label in a language, falling back to English, then the key."""
        return self.label.get(language) or self.label.get("en") or self.key


@dataclass(frozen=True)
class Codebook:
    """A versioned set of themes; sub-themes are themes with a parent."""

    version: str
    themes: tuple[Theme, ...]
    by_key: Mapping[str, Theme] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {t.key: t for t in self.themes})

    @property
    def top_level(self) -> tuple[Theme, ...]:
        """The themes that are not sub-themes."""
        return tuple(t for t in self.themes if t.parent is None)

    def label(self, key: str, language: str) -> str:
        """A theme's label, or its key when the codebook does not know it."""
        theme = self.by_key.get(key)
        return theme.label_in(language) if theme else key


def compile_term(source: str) -> Term:
    """Turn 'armed group*' into parts that match 'armed groups' and 'Armed Group'."""
    parts = []
    for word in source.split():
        prefix = word.endswith("*")
        stem = fold(word.rstrip("*"))
        if stem:
            parts.append((stem, prefix))
    if not parts:
        raise ValueError(f"empty term {source!r}")
    return Term(source, tuple(parts))


def _texts(value: Any, where: str, *, required: bool) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping) or not value:
        raise CodebookError(f"{where} must map languages to text, e.g. {{en: ..., es: ...}}")
    for lang, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise CodebookError(f"{where}.{lang} must be non-empty text")
    return dict(value)


def _terms(value: Any, where: str, *, required: bool) -> tuple[Term, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, Mapping) or not value:
        raise CodebookError(f"{where} must map languages to lists of terms")
    terms: list[Term] = []
    for lang, items in value.items():
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise CodebookError(f"{where}.{lang} must be a list of text")
        for item in items:
            try:
                terms.append(compile_term(item))
            except ValueError as error:
                raise CodebookError(f"{where}.{lang}: {error}") from None
    if required and not terms:
        raise CodebookError(f"{where} has no terms")
    return tuple(terms)


def _theme(key: Any, body: Any, parent: str | None) -> list[Theme]:
    where = f"theme {key!r}" if parent is None else f"theme {parent!r}, sub-theme {key!r}"
    if not isinstance(key, str) or not key.replace("_", "").isalnum():
        raise CodebookError(f"{where}: key must be letters, digits and underscores")
    if not isinstance(body, Mapping):
        raise CodebookError(f"{where}: must be a mapping with label and terms")
    full_key = key if parent is None else f"{parent}.{key}"
    theme = Theme(
        key=full_key,
        label=_texts(body.get("label"), f"{where}: field label", required=True),
        description=_texts(body.get("description"), f"{where}: field description", required=parent is None),
        terms=_terms(body.get("terms"), f"{where}: field terms", required=True),
        exclusions=_terms(body.get("exclusions"), f"{where}: field exclusions", required=False),
        parent=parent,
    )
    themes = [theme]
    subthemes = body.get("subthemes") or {}
    if not isinstance(subthemes, Mapping):
        raise CodebookError(f"{where}: field subthemes must be a mapping")
    if parent is None:
        for sub_key, sub_body in subthemes.items():
            themes += _theme(sub_key, sub_body, key)
    return themes


def parse_codebook(data: Any) -> Codebook:
    """Check a loaded codebook document and build the Codebook, naming the field at fault."""
    if not isinstance(data, Mapping):
        raise CodebookError("the codebook must be a mapping with 'version' and 'themes'")
    version = data.get("version")
    if not isinstance(version, str | int | float) or not str(version).strip():
        raise CodebookError("field version is missing")
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, Mapping) or not raw_themes:
        raise CodebookError("field themes must map theme keys to their definitions")
    themes: list[Theme] = []
    for key, body in raw_themes.items():
        themes += _theme(key, body, None)
    return Codebook(version=str(version), themes=tuple(themes))


def load_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook YAML file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CodebookError(f"{path}: not valid YAML: {error}") from None
    return parse_codebook(data)
