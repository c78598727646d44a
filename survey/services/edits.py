"""Edits sent from a tablet: a form sent again under a new instanceID, naming the one it replaces.

The edit is stored through the same path as any submission and the earlier response is erased in
the same savepoint, so every figure counts the interview once, as edited. What the earlier version
answered is kept as a revision beside the new response; the resident's receipt code, and the files
the edit still names, move across.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select, update

from survey.extensions import db
from survey.models import Answer, CodedPassage, Device, MediaFile, Memo, Response, ResponseRevision, Testimonial, User
from survey.questionnaire.validate import INSTANCE_MARK, instance_path
from survey.services.audit import record_event
from survey.services.erasure import erase_response, testimony_ids
from survey.services.records import RecordResult, Status
from survey.services.submissions import find_response
from survey.services.sync import ingest_record


def replaced_uuids(uuids: Collection[str]) -> set[str]:
    """Which of these instanceIDs name a version an edit has since replaced."""
    if not uuids:
        return set()
    query = select(ResponseRevision.replaced_uuid).where(ResponseRevision.replaced_uuid.in_(set(uuids)))
    return set(db.session.scalars(query))


def answers_of(response: Response) -> dict[str, Any]:
    """A response's answers by question as it held them, its testimonies' words as they were written.

    An answer in a repeat instance is named by its question and the instance's path (child_name.2.1:
    the first child of the second woman), as the web form names its field, so none hides another.
    """
    answers: dict[str, Any] = {
        _answer_name(answer): answer.value_text if answer.value_text is not None else answer.value_number
        for answer in response.answers
    }
    told = select(Testimonial.question, Testimonial.raw_text).where(Testimonial.response_id == response.id)
    answers.update({question: text for question, text in db.session.execute(told)})
    return answers


def _answer_name(answer: Answer) -> str:
    if not answer.instance:
        return answer.question
    return f"{answer.question}{INSTANCE_MARK}{instance_path(answer.parent_instance, answer.instance)}"


def _people_s_work(earlier: Response) -> dict[str, int]:
    """The coded passages and memos on the earlier testimonies, which go with their text."""
    ids = testimony_ids(earlier)
    if not ids:
        return {"coded_passages": 0, "memos": 0}
    passages = db.session.scalar(select(func.count()).where(CodedPassage.testimonial_id.in_(ids))) or 0
    memos = db.session.scalar(select(func.count()).where(Memo.testimonial_id.in_(ids))) or 0
    return {"coded_passages": int(passages), "memos": int(memos)}


class _NotStored(Exception):
    """The edit was not stored: its savepoint is rolled back and the earlier version stays."""

    def __init__(self, result: RecordResult) -> None:
        super().__init__(result.status)
        self.result = result


def _replace(earlier: Response, edited: Response, user: User | None) -> tuple[str, dict[str, int]]:
    """Move what stays to the edited response, keep the earlier answers as a revision, erase the rest."""
    named = select(Answer.question, Answer.value_text).where(Answer.response_id == edited.id)
    new_answers = {(question, value) for question, value in db.session.execute(named)}
    # A file the edit still names stays with it; Collect does not send it again.
    for media in db.session.scalars(select(MediaFile).where(MediaFile.response_id == earlier.id)):
        if (media.question, media.file_name) in new_answers:
            media.response_id = edited.id
    db.session.execute(
        update(ResponseRevision).where(ResponseRevision.response_id == earlier.id).values(response_id=edited.id)
    )
    db.session.add(
        ResponseRevision(
            response_id=edited.id,
            replaced_uuid=earlier.uuid,
            answers=answers_of(earlier),
            submitted_at=earlier.submitted_at,
            replaced_by_id=user.id if user else None,
        )
    )
    receipt, dropped = earlier.receipt_code, _people_s_work(earlier)
    db.session.flush()
    erase_response(earlier)
    edited.receipt_code = receipt  # the code the resident holds still withdraws the interview
    db.session.flush()
    return receipt, dropped


def apply_edit(
    record: Mapping[str, Any], replaced: str, *, user: User | None, device: Device | None, source: str
) -> RecordResult | None:
    """Store an edit of the response made under the instanceID `replaced`; None when that is unknown.

    An edit that is not valid leaves the earlier version as it was.
    """
    earlier = find_response(replaced)
    if earlier is None:
        return None
    try:
        with db.session.begin_nested():
            result = ingest_record(
                dict(record), user=user, device=device, source=source, language=str(record["language"])
            )
            edited = find_response(str(record["uuid"])) if result.status == Status.CREATED else None
            if edited is None:
                raise _NotStored(result)
            receipt, dropped = _replace(earlier, edited, user)
    except _NotStored as refused:
        return refused.result
    record_event(
        "response_edited",
        actor=user,
        target_type="response",
        target_id=edited.id,
        replaced=replaced,
        source=source,
        **dropped,
    )
    return replace(result, receipt_code=receipt)
