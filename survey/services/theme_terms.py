"""The terms of the codebook's themes, edited by administrators on top of the codebook file.

Each edit is audited and makes a new version of the codebook; new analyses use it at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from sqlalchemy import select

from survey.analysis import Theme, parse_codebook
from survey.analysis.codebook import LANGUAGES, CodebookError
from survey.analysis.term_overrides import (
    FieldTerms,
    apply_term_overrides,
    count_changes,
    dump_codebook,
    editable_fields,
    read_codebook_document,
    theme_terms,
)
from survey.extensions import db
from survey.models import CodebookVersion, ThemeTerms, User
from survey.services.audit import record_event
from survey.services.codes import record_version
from survey.services.engine import TERMS_CHANGE, codebook, effective_codebook_document, forget_current_engine


class ThemeTermsError(ValueError):
    """Terms a theme cannot take: none at all, or a weak term that is not among its terms."""

    def __init__(self, reason: str, language: str = "", term: str = "", detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason, self.language, self.term, self.detail = reason, language, term, detail


def find_theme(key: str) -> Theme | None:
    """A theme or sub-theme of the codebook new analyses use."""
    return codebook().by_key.get(key)


def current_terms(key: str) -> FieldTerms:
    """A theme's terms, weak terms and exclusions as new analyses use them."""
    return theme_terms(effective_codebook_document(), key)


def _overrides() -> dict[str, ThemeTerms]:
    return {row.theme_key: row for row in db.session.scalars(select(ThemeTerms))}


def _check(key: str, typed: FieldTerms, file_document: dict[str, object], rows: dict[str, ThemeTerms]) -> None:
    if not any(typed["terms"].values()):
        raise ThemeTermsError("no_terms")
    if "weak_terms" in typed:
        known = {term for terms in typed["terms"].values() for term in terms}
        for language in LANGUAGES:
            for term in typed["weak_terms"][language]:
                if term not in known:
                    raise ThemeTermsError("weak_unknown", language, term)
    overrides = {k: row.fields for k, row in rows.items()} | {key: typed}
    try:
        parse_codebook(apply_term_overrides(file_document, overrides))
    except CodebookError as error:
        raise ThemeTermsError("codebook", detail=str(error)) from None


def save_theme_terms(key: str, typed: Mapping[str, Mapping[str, list[str]]], person: User) -> CodebookVersion | None:
    """Give a theme these terms: a new codebook version when they differ, None when nothing changed."""
    file_document = read_codebook_document(current_app.config["CODEBOOK_PATH"])
    wanted: FieldTerms = {
        name: {lang: list(typed.get(name, {}).get(lang, [])) for lang in LANGUAGES} for name in editable_fields(key)
    }
    rows = _overrides()
    _check(key, wanted, file_document, rows)
    added, removed = count_changes(current_terms(key), wanted)
    if not added and not removed:
        return None
    from_file = theme_terms(file_document, key)
    kept = {name: terms for name, terms in wanted.items() if terms != from_file[name]}
    row = rows.get(key)
    if kept and row is None:
        db.session.add(ThemeTerms(theme_key=key, fields=kept, changed_by_id=person.id))
    elif kept and row is not None:
        row.fields, row.changed_by_id = kept, person.id
    elif row is not None:
        db.session.delete(row)  # back to the file's terms
    db.session.flush()
    record_event("edit_theme_terms", actor=person, target_type="theme", key=key, added=added, removed=removed)
    version = record_version(TERMS_CHANGE, key, person, added=added, removed=removed)
    forget_current_engine()
    return version


def export_codebook() -> str:
    """The codebook new analyses use, as a YAML file in the shape of the codebook file."""
    return dump_codebook(effective_codebook_document())
