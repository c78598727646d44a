"""Transcripts of recorded testimonies: what an administrator types out of a recording becomes a
testimony of its response, stored and analysed as a typed one is (redacted now, analysed once the
transaction commits), so that it counts in the evaluators' list and summary.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from survey.extensions import db
from survey.models import MediaFile, Memo, Response, Testimonial, User
from survey.services.audit import record_event
from survey.services.coding import remove_passage
from survey.services.deferred import analyse_later
from survey.services.surveys import definition_of
from survey.services.testimonies import pending_testimony_row

TRANSCRIPT_MAX_CHARS = 20_000  # some forty minutes of speech


class NotARecording(ValueError):
    """A transcript was asked for a file that is no recorded testimony (a photo, a document)."""


def can_transcribe(media: MediaFile) -> bool:
    """Whether a file is a recording someone may type out."""
    return media.content_type.startswith("audio/")


def transcript_text(media: MediaFile) -> str:
    """What a recording's transcript says so far, '' if nobody has typed it out."""
    return media.transcript.raw_text if media.transcript is not None else ""


def _names_and_places(response: Response) -> tuple[list[str], list[str]]:
    """The answers that name the resident, and the site's name and region: what redaction hides and keeps."""
    personal = {q.name for q in definition_of(response.survey_version).questions if q.personal}
    names = [a.value_text for a in response.answers if a.question in personal and a.value_text]
    site = response.site
    places = [p for p in (site.name, site.region) if p] if site is not None else []
    return names, places


def _drop_people_s_coding(testimony: Testimonial, writer: User) -> int:
    """Take off the passages coded on a transcript's earlier words, which no longer point at them, with
    their memos and the theme tags they gave; return how many."""
    passages = list(testimony.passages)
    if passages:
        db.session.execute(delete(Memo).where(Memo.passage_id.in_([p.id for p in passages])))
        for passage in passages:
            remove_passage(testimony, passage, writer)
    return len(passages)


def save_transcript(media: MediaFile, text: str, writer: User) -> Testimonial:
    """Keep what a recording says as its response's testimony, analysed once the transaction commits."""
    if not can_transcribe(media):
        raise NotARecording(f"{media.content_type} is no recording")
    text = text.strip()
    response = media.response
    row = pending_testimony_row(response.id, media.question, text, *_names_and_places(response))
    testimony = media.transcript or db.session.scalar(
        select(Testimonial).where(Testimonial.response_id == response.id, Testimonial.question == media.question)
    )
    edited = testimony is not None
    dropped = 0
    if testimony is None:
        testimony = Testimonial(**row)
        db.session.add(testimony)
    else:
        if testimony.raw_text != text:
            dropped = _drop_people_s_coding(testimony, writer)
        for column, value in row.items():
            setattr(testimony, column, value)  # pending again: the analysis reads the new words
    media.transcript = testimony
    media.to_transcribe = False
    db.session.flush()
    analyse_later([testimony.id])  # the path every stored testimony takes to the analysis
    record_event(
        "transcript_saved",
        actor=writer,
        target_type="media_file",
        target_id=media.id,
        testimonial=testimony.id,
        edited=edited,
        characters=len(text),
        coded_passages_dropped=dropped,
    )
    return testimony
