"""Delete a response and everything derived from it, wherever Voces keeps it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select, update

from survey.extensions import db
from survey.models import (
    Answer,
    AuditEvent,
    CodedPassage,
    MediaFile,
    Memo,
    ReportPin,
    Response,
    ResponseRevision,
    RoundDecision,
    RoundDone,
    RoundItem,
    SubmissionConflict,
    TagSource,
    Testimonial,
    ThemeTag,
)
from survey.services.rollups import touch_responses


@dataclass(frozen=True)
class Derived:
    """How many rows of each kind hold a response or something derived from it."""

    answers: int
    testimonies: int
    tags: int
    corrections: int  # the tags among them that people gave
    conflicts: int  # records kept aside because they came back under its UUID with other content
    earlier_versions: int = 0  # what it answered before a tablet's edit replaced it

    @property
    def total(self) -> int:
        """Every row, the response itself included."""
        return 1 + self.answers + self.testimonies + self.tags + self.conflicts + self.earlier_versions


def _count(model: type[object], where: ColumnElement[bool]) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(where)) or 0)


def testimony_ids(response: Response) -> list[int]:
    """The ids of a response's testimonies."""
    return list(db.session.scalars(select(Testimonial.id).where(Testimonial.response_id == response.id)))


def count_derived(response: Response) -> Derived:
    """What erasing a response would delete, in counts."""
    ids = testimony_ids(response)
    of_testimonies = ThemeTag.testimonial_id.in_(ids)
    return Derived(
        answers=_count(Answer, Answer.response_id == response.id),
        testimonies=len(ids),
        tags=_count(ThemeTag, of_testimonies),
        corrections=_count(ThemeTag, of_testimonies & (ThemeTag.source == TagSource.HUMAN)),
        conflicts=_count(SubmissionConflict, SubmissionConflict.uuid == response.uuid),
        earlier_versions=_count(ResponseRevision, ResponseRevision.response_id == response.id),
    )


def erase_response(response: Response) -> Derived:
    """Delete a response, its answers, testimonies (raw and redacted text), tags, corrections, coded
    passages and memos on them, and the conflicting records kept under its UUID; empty the details of
    audit lines about its testimonies.

    Audit lines stay, as who did what and when, but their details go: a correction's line names the
    themes a person gave the testimony, which tells what it was about.
    """
    erased = count_derived(response)
    touch_responses([response.id])  # its cell is counted again without it before the commit
    ids = testimony_ids(response)
    if ids:
        # Memos and coded passages on its testimonies go too (memos on a passage carry its testimony).
        db.session.execute(delete(Memo).where(Memo.testimonial_id.in_(ids)))
        db.session.execute(delete(CodedPassage).where(CodedPassage.testimonial_id.in_(ids)))
        db.session.execute(delete(ReportPin).where(ReportPin.testimonial_id.in_(ids)))  # and its quotes in reports
        # and its place in agreement rounds, with the coders' done marks and the lead's decisions on it
        items = select(RoundItem.id).where(RoundItem.testimonial_id.in_(ids))
        db.session.execute(delete(RoundDone).where(RoundDone.item_id.in_(items)))
        db.session.execute(delete(RoundDecision).where(RoundDecision.item_id.in_(items)))
        db.session.execute(delete(RoundItem).where(RoundItem.testimonial_id.in_(ids)))
        db.session.execute(delete(ThemeTag).where(ThemeTag.testimonial_id.in_(ids)))
        # A recording an edit keeps waits for its transcript again: the one typed went with this version.
        db.session.execute(
            update(MediaFile).where(MediaFile.transcript_id.in_(ids)).values(transcript_id=None, to_transcribe=True)
        )
        db.session.execute(delete(Testimonial).where(Testimonial.id.in_(ids)))
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.target_type == "testimonial", AuditEvent.target_id.in_([str(i) for i in ids]))
            .values(detail={})
        )
    db.session.execute(delete(MediaFile).where(MediaFile.response_id == response.id))  # photos, recordings
    db.session.execute(delete(ResponseRevision).where(ResponseRevision.response_id == response.id))  # edited away
    db.session.execute(delete(Answer).where(Answer.response_id == response.id))
    db.session.execute(delete(SubmissionConflict).where(SubmissionConflict.uuid == response.uuid))
    db.session.execute(delete(Response).where(Response.id == response.id))
    db.session.flush()
    return erased
