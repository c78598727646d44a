"""Terms typed in the browser on top of the codebook file: checked, applied, and written back as a file."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from survey.analysis.codebook import LANGUAGES, CodebookError, compile_term

TERM_FIELDS = ("terms", "weak_terms", "exclusions")
MAX_TERM_LENGTH = 80

FieldTerms = dict[str, dict[str, list[str]]]  # field -> language -> terms


@dataclass(frozen=True)
class TermLineError(ValueError):
    """One line that is not a term: its number (from 1), what it says, and why ("empty" or "long")."""

    line: int
    text: str
    reason: str


def read_codebook_document(path: str | Path) -> dict[str, Any]:
    """The codebook file as data, before it is checked."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CodebookError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise CodebookError("the codebook must be a mapping with 'version' and 'themes'")
    return data


def theme_body(document: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """The part of a codebook document that defines a theme ('safety') or sub-theme ('safety.violence')."""
    parent, _, sub = key.partition(".")
    body = (document.get("themes") or {}).get(parent)
    if sub and isinstance(body, dict):
        body = (body.get("subthemes") or {}).get(sub)
    return body if isinstance(body, dict) else None


def editable_fields(key: str) -> tuple[str, ...]:
    """The fields of a theme's terms one may edit: weak terms are listed on top-level themes only."""
    return TERM_FIELDS if "." not in key else ("terms", "exclusions")


def theme_terms(document: Mapping[str, Any], key: str) -> FieldTerms:
    """A theme's terms, weak terms and exclusions in each language, as the document has them."""
    body = theme_body(document, key) or {}
    found: FieldTerms = {}
    for name in editable_fields(key):
        value = body.get(name) or {}
        found[name] = {lang: [str(t) for t in value.get(lang) or []] for lang in LANGUAGES}
    return found


def apply_term_overrides(
    document: Mapping[str, Any], overrides: Mapping[str, Mapping[str, Any]], suffix: str = ""
) -> dict[str, Any]:
    """A copy of the document with the overridden fields in place; the version gains the suffix."""
    merged = copy.deepcopy(dict(document))
    for key, fields in overrides.items():
        body = theme_body(merged, key)
        if body is None:
            continue  # a theme the file no longer has
        for name, by_language in fields.items():
            if name not in editable_fields(key):
                continue
            if any(by_language.values()) or name == "terms":
                body[name] = {lang: list(by_language.get(lang, [])) for lang in LANGUAGES}
            else:
                body.pop(name, None)
    if suffix:
        merged["version"] = f"{merged.get('version')}{suffix}"
    return merged


def dump_codebook(document: Mapping[str, Any]) -> str:
    """The document as YAML in the file's shape: block mappings, lists of terms on one line."""
    return yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False, width=120, default_flow_style=None)


def parse_term_lines(text: str) -> list[str]:
    """Terms typed one per line: blank lines skipped, spaces tidied, repeats dropped; a bad line raises."""
    terms: list[str] = []
    seen: set[tuple[tuple[str, bool], ...]] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        term = " ".join(raw.split())
        if not term:
            continue
        if len(term) > MAX_TERM_LENGTH:
            raise TermLineError(number, term, "long")
        try:
            parts = compile_term(term).parts
        except ValueError:
            parts = ()
        if not parts or not all(any(c.isalnum() for c in word) for word, _ in parts):
            raise TermLineError(number, term, "empty")  # no word the tagger could ever match
        if parts not in seen:
            seen.add(parts)
            terms.append(term)
    return terms


def count_changes(before: FieldTerms, after: FieldTerms) -> tuple[list[str], list[str]]:
    """The terms added and removed, over every field and language, e.g. (['weak_terms.en: dusk'], [])."""
    added: list[str] = []
    removed: list[str] = []
    for name in after:
        for lang in LANGUAGES:
            old, new = before.get(name, {}).get(lang, []), after[name].get(lang, [])
            added += [f"{name}.{lang}: {t}" for t in new if t not in old]
            removed += [f"{name}.{lang}: {t}" for t in old if t not in new]
    return added, removed
