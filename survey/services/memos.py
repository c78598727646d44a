"""Memos: people's notes on a survey's project, a testimony, a coded passage or a code."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import CodedPassage, Memo, Survey, Testimonial, User
from survey.models.base import utcnow
from survey.services.audit import record_event
from survey.services.blindness import NO_BLINDFOLD, Blindfold
from survey.services.coding import code_labels

PROJECT = "project"


class MemoError(ValueError):
    """A memo about something that is not part of the survey."""


def _survey_of(testimonial: Testimonial) -> int:
    return testimonial.response.survey_version.survey_id


def write_memo(survey: Survey, about: str, body: str, author: User) -> Memo:
    """Add a memo about "project", "testimony:<id>", "passage:<id>" or "code:<key>"."""
    kind, _, ref = about.partition(":")
    memo = Memo(survey_id=survey.id, body=body, author_id=author.id)
    if kind == "testimony" and ref.isdigit():
        testimonial = db.session.get(Testimonial, int(ref))
        if testimonial is None or _survey_of(testimonial) != survey.id:
            raise MemoError(about)
        memo.testimonial_id = testimonial.id
    elif kind == "passage" and ref.isdigit():
        passage = db.session.get(CodedPassage, int(ref))
        testimonial = db.session.get(Testimonial, passage.testimonial_id) if passage else None
        if passage is None or testimonial is None or _survey_of(testimonial) != survey.id:
            raise MemoError(about)
        memo.passage_id, memo.testimonial_id = passage.id, testimonial.id
    elif kind == "code" and ref in code_labels("en"):
        memo.code_key = ref
    elif about != PROJECT:
        raise MemoError(about)
    db.session.add(memo)
    db.session.flush()
    record_event("write_memo", actor=author, target_type="memo", target_id=memo.id, about=about)
    return memo


def may_change(memo: Memo, person: User) -> bool:
    """Only a memo's author edits or deletes it."""
    return memo.author_id is not None and memo.author_id == person.id


def edit_memo(memo: Memo, body: str, person: User) -> None:
    """Replace a memo's text (the caller checked may_change)."""
    memo.body = body
    memo.updated_at = utcnow()
    record_event("edit_memo", actor=person, target_type="memo", target_id=memo.id)
    db.session.flush()


def delete_memo(memo: Memo, person: User) -> None:
    """Delete a memo (the caller checked may_change)."""
    record_event("delete_memo", actor=person, target_type="memo", target_id=memo.id)
    db.session.delete(memo)
    db.session.flush()


def list_memos(
    survey: Survey, search: str = "", testimonial_id: int | None = None, *, blindfold: Blindfold = NO_BLINDFOLD
) -> list[Memo]:
    """A survey's memos, newest first; those whose text holds the search words, or on one testimony.

    blindfold: of the person reading, who sees only their own memos on the testimonies they code blind.
    """
    query = select(Memo).where(Memo.survey_id == survey.id)
    for word in search.split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Memo.body.ilike(f"%{escaped}%", escape="\\"))
    if testimonial_id is not None:
        query = query.where(Memo.testimonial_id == testimonial_id)
    return [m for m in db.session.scalars(query.order_by(Memo.id.desc()).limit(500)) if blindfold.shows_memo(m)]


def memo_of(memo_id: int, slug: str) -> Memo | None:
    """A memo of the survey with this slug."""
    query = select(Memo).join(Survey, Survey.id == Memo.survey_id).where(Memo.id == memo_id, Survey.slug == slug)
    return db.session.scalar(query)
