"""A resident's unsent answers, for the form answered without JavaScript: kept for this browser session only.

The session cookie is signed, not encrypted, is read by whoever uses the browser next, and holds
4 KB where a testimony may be 5,000 characters: so the answers stay on the server, in a file named
by a random key that only this session's cookie holds. Another browser has no key to name it. A
draft goes when the answers are sent or the resident starts again, and expires after
RESIDENT_DRAFT_HOURS, about as long as a browser session lasts: nothing is kept beyond it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app, session

DRAFT_KEY = "draft_key"


@dataclass(frozen=True)
class Draft:
    """The posted answers (name, value) of a form left part-way, its page, and when it was kept."""

    answers: list[tuple[str, str]]
    page: int
    saved_at: datetime


def _folder() -> Path:
    return Path(current_app.config["RESIDENT_DRAFTS_DIR"] or os.path.join(current_app.instance_path, "drafts"))


def _lifetime() -> timedelta:
    return timedelta(hours=int(current_app.config["RESIDENT_DRAFT_HOURS"]))


def _path(slug: str, *, create_key: bool = False) -> Path | None:
    key = session.get(DRAFT_KEY)
    if not isinstance(key, str) or len(key) != 64:
        if not create_key:
            return None
        key = session[DRAFT_KEY] = secrets.token_hex(32)
    name = hashlib.sha256(f"{key}:{slug}".encode()).hexdigest()  # the cookie's key never appears on disk
    return _folder() / f"{name}.json"


def save_draft(slug: str, version: str, answers: list[tuple[str, str]], page: int) -> None:
    """Keep what this browser typed so far on this survey, replacing what was kept before."""
    path = _path(slug, create_key=True)
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _sweep(path.parent)
    record = {"version": version, "answers": answers, "page": page, "saved_at": datetime.now(UTC).isoformat()}
    partial = path.with_suffix(".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(record, file)
    os.replace(partial, path)  # a reader sees the old draft or the new one, never half of one


def load_draft(slug: str, version: str) -> Draft | None:
    """What this browser kept for this version of the survey, if it has not expired."""
    path = _path(slug)
    if path is None or not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        draft = Draft(
            answers=[(str(name), str(value)) for name, value in record["answers"]],
            page=int(record["page"]),
            saved_at=datetime.fromisoformat(record["saved_at"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        drop_draft(slug)
        return None
    if record.get("version") != version or draft.saved_at < datetime.now(UTC) - _lifetime():
        drop_draft(slug)
        return None
    return draft


def drop_draft(slug: str) -> None:
    """Forget this browser's draft of the survey: sent, started again, or stale."""
    path = _path(slug)
    if path is not None:
        path.unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    """Remove the drafts of sessions that ended without sending: nobody can come back for them."""
    oldest = (datetime.now(UTC) - _lifetime()).timestamp()
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # another process removed it first
