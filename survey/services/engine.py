"""The current analysis engine: the configured codebook with the active learned codebook.

One engine is kept per process and made again only when the codebook file changes, a theme's terms
are edited in the browser, or another learned codebook becomes active; which engine is current is
looked up once per request or command.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app, g
from sqlalchemy import select

from survey.analysis import Codebook, load_codebook, parse_codebook
from survey.analysis.confidence import CALIBRATION_FILE, Calibration
from survey.analysis.learned import LearnedCodebook
from survey.analysis.pipeline import Engine
from survey.analysis.term_overrides import apply_term_overrides, read_codebook_document
from survey.extensions import db
from survey.models import CodebookVersion, LearnedModel, ThemeTerms

TERMS_CHANGE = "terms"  # the kind of codebook version that edits a theme's terms


@dataclass(frozen=True, slots=True)
class EngineKey:
    """What the current engine is made of: the codebook file as last changed, the active learned model."""

    codebook_path: str
    codebook_mtime_ns: int
    learned: tuple[int, str] | None  # the active model's id and version
    calibration_mtime_ns: int | None  # this programme's refitted calibration, when there is one
    terms_version: int  # the codebook version that last edited a theme's terms (0: the file's terms)
    terms_changed_at: datetime | None  # and when: a database restored or emptied may reach the same number again


_current: tuple[EngineKey, Engine] | None = None


def _key() -> EngineKey:
    path = Path(current_app.config["CODEBOOK_PATH"])
    with db.session.no_autoflush:
        row = db.session.execute(select(LearnedModel.id, LearnedModel.version).where(LearnedModel.active)).first()
        terms = db.session.execute(
            select(CodebookVersion.number, CodebookVersion.changed_at)
            .where(CodebookVersion.change == TERMS_CHANGE)
            .order_by(CodebookVersion.number.desc())
            .limit(1)
        ).first()
    calibration = calibration_path()
    return EngineKey(
        str(path),
        path.stat().st_mtime_ns,
        (row.id, row.version) if row else None,
        calibration.stat().st_mtime_ns if calibration.exists() else None,
        terms.number if terms else 0,
        terms.changed_at if terms else None,
    )


def calibration_path() -> Path:
    """Where this programme's refitted calibration is kept (a few weights, no text)."""
    return Path(current_app.config.get("CALIBRATION_PATH") or os.path.join(current_app.instance_path, CALIBRATION_FILE))


def _load_learned(model_id: int) -> LearnedCodebook:
    payload = db.session.scalar(select(LearnedModel.payload).where(LearnedModel.id == model_id))
    assert payload is not None
    return LearnedCodebook.loads(payload)


def codebook_document(path: str, terms_version: int) -> dict[str, Any]:
    """The codebook file as data with the terms edited in the browser in place, the edit's number in its version."""
    overrides = {row.theme_key: row.fields for row in db.session.scalars(select(ThemeTerms))}
    suffix = f"+v{terms_version}" if terms_version else ""
    return apply_term_overrides(read_codebook_document(path), overrides, suffix)


def _load_codebook(key: EngineKey) -> Codebook:
    if not key.terms_version:
        return load_codebook(key.codebook_path)
    return parse_codebook(codebook_document(key.codebook_path, key.terms_version))


def effective_codebook_document() -> dict[str, Any]:
    """The codebook new analyses use, as data in the file's shape (for export)."""
    key = _key()
    return codebook_document(key.codebook_path, key.terms_version)


def current_engine() -> Engine:
    """The engine new analyses use; the same object until its codebook or learned codebook changes."""
    if "engine" not in g:
        global _current
        key = _key()
        if _current is None or _current[0] != key:
            learned = _load_learned(key.learned[0]) if key.learned else None
            calibration = Calibration.loads(calibration_path().read_bytes()) if key.calibration_mtime_ns else None
            _current = (key, Engine(_load_codebook(key), learned, calibration))
        g.engine = _current[1]
    engine: Engine = g.engine
    return engine


def forget_current_engine() -> None:
    """Look the current engine up again (after a learned codebook is stored or activated)."""
    g.pop("engine", None)


def codebook() -> Codebook:
    """The configured codebook."""
    return current_engine().codebook
