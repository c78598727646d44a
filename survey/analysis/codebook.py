"""The codebook: themes with labels, descriptions, terms and exclusions in each language."""

from __future__ import annotations

from collections.abc import Collection, Mapping
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
    weak: bool = False  # a generic word ("school", "market"): counts only beside a specific term


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
    context: tuple[Term, ...] = ()  # words that say a text is about the programmes' world: weak terms then count

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


def compile_term(source: str, *, weak: bool = False) -> Term:
    """Turn 'armed group*' into parts that match 'armed groups' and 'Armed Group'."""
    parts = []
    for word in source.split():
        prefix = word.endswith("*")
        stem = fold(word.rstrip("*"))
        if stem:
            parts.append((stem, prefix))
    if not parts:
        raise ValueError(f"empty term {source!r}")
    return Term(source, tuple(parts), weak)


def _texts(value: Any, where: str, *, required: bool) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping) or not value:
        raise CodebookError(f"{where} must map languages to text, e.g. {{en: ..., es: ...}}")
    for lang, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise CodebookError(f"{where}.{lang} must be non-empty text")
    return dict(value)


def _terms(value: Any, where: str, *, required: bool, weak: Collection[str] = ()) -> tuple[Term, ...]:
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
                terms.append(compile_term(item, weak=item in weak))
            except ValueError as error:
                raise CodebookError(f"{where}.{lang}: {error}") from None
    if required and not terms:
        raise CodebookError(f"{where} has no terms")
    return tuple(terms)


def _sources(value: Any, where: str) -> frozenset[str]:
    """The words listed under a field, in every language."""
    if value is None:
        return frozenset()
    if not isinstance(value, Mapping) or not all(
        isinstance(items, list) and all(isinstance(i, str) for i in items) for items in value.values()
    ):
        raise CodebookError(f"{where} must map languages to lists of terms")
    return frozenset(item for items in value.values() for item in items)


def _theme(key: Any, body: Any, parent: str | None, parent_weak: frozenset[str] = frozenset()) -> list[Theme]:
    where = f"theme {key!r}" if parent is None else f"theme {parent!r}, sub-theme {key!r}"
    if not isinstance(key, str) or not key.replace("_", "").isalnum():
        raise CodebookError(f"{where}: key must be letters, digits and underscores")
    if not isinstance(body, Mapping):
        raise CodebookError(f"{where}: must be a mapping with label and terms")
    full_key = key if parent is None else f"{parent}.{key}"
    # Weak terms are listed once, on the top-level theme; its sub-themes' copies of them are weak too.
    weak = parent_weak | _sources(body.get("weak_terms"), f"{where}: field weak_terms")
    theme = Theme(
        key=full_key,
        label=_texts(body.get("label"), f"{where}: field label", required=True),
        description=_texts(body.get("description"), f"{where}: field description", required=parent is None),
        terms=_terms(body.get("terms"), f"{where}: field terms", required=True, weak=weak),
        exclusions=_terms(body.get("exclusions"), f"{where}: field exclusions", required=False),
        parent=parent,
    )
    unknown = weak - {t.source for t in theme.terms} if parent is None else frozenset()
    if unknown:
        raise CodebookError(f"{where}: field weak_terms lists {sorted(unknown)[0]!r}, which is not among its terms")
    themes = [theme]
    subthemes = body.get("subthemes") or {}
    if not isinstance(subthemes, Mapping):
        raise CodebookError(f"{where}: field subthemes must be a mapping")
    if parent is None:
        for sub_key, sub_body in subthemes.items():
            themes += _theme(sub_key, sub_body, key, weak)
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
    context = _terms(data.get("context_terms"), "field context_terms", required=False)
    return Codebook(version=str(version), themes=tuple(themes), context=context)


def load_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook YAML file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CodebookError(f"{path}: not valid YAML: {error}") from None
    return parse_codebook(data)
