"""The team's codes: added, renamed, described and retired by administrators, each change audited."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from survey.extensions import db
from survey.models import Code, User
from survey.services.audit import record_event
from survey.services.engine import codebook

DESCRIBED = (
    "label_en",
    "label_es",
    "definition_en",
    "definition_es",
    "when_to_use_en",
    "when_to_use_es",
    "when_not_en",
    "when_not_es",
    "example_en",
    "example_es",
    "parent_theme",
    "retired",
)


def list_codes() -> list[Code]:
    """The team's codes, retired ones included, by key."""
    return list(db.session.scalars(select(Code).order_by(Code.key)))


def key_taken(key: str) -> bool:
    """Whether a theme of the codebook or a team's code already has this key."""
    return key in codebook().by_key or db.session.scalar(select(Code.id).where(Code.key == key)) is not None


def add_code(key: str, fields: Mapping[str, object], person: User) -> Code:
    """Add a team's code (the caller checked the key is free)."""
    code = Code(key=key, created_by_id=person.id, **{k: v for k, v in fields.items() if k in DESCRIBED})
    db.session.add(code)
    db.session.flush()
    record_event("add_code", actor=person, target_type="code", target_id=code.id, key=key)
    return code


def update_code(code: Code, fields: Mapping[str, object], person: User) -> None:
    """Rename, describe or retire a code; the audit records the fields changed, before and after."""
    changed = {k: [getattr(code, k), v] for k, v in fields.items() if k in DESCRIBED and getattr(code, k) != v}
    for name, (_, value) in changed.items():
        setattr(code, name, value)
    record_event("update_code", actor=person, target_type="code", target_id=code.id, key=code.key, changed=changed)
    db.session.flush()
