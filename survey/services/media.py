"""Photos and recordings that answer media questions: kept beside their response, read by administrators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from survey.extensions import db
from survey.models import MediaFile, Response, SurveyVersion, User
from survey.questionnaire import Definition
from survey.questionnaire.media_types import MediaType
from survey.services.audit import record_event

DEFAULT_MEDIA_MAX_BYTES = 10 * 1024 * 1024
SCRIPTABLE = frozenset({"image/svg+xml"})  # a drawing that can hold a script is no photo
WRONG_KIND, TOO_LARGE, EMPTY = "wrong_kind", "too_large", "empty"


@dataclass(frozen=True)
class UploadedFile:
    """A file as the web form received it: its safe name, its content type and its bytes."""

    file_name: str
    content_type: str
    data: bytes


def file_problem(kind: MediaType, content_type: str, size: int, max_bytes: int) -> str | None:
    """Why a file cannot answer a question of this kind (WRONG_KIND, TOO_LARGE or EMPTY), or None."""
    if not kind.accepts(content_type) or content_type in SCRIPTABLE:
        return WRONG_KIND
    if size > max_bytes:
        return TOO_LARGE
    if size == 0:
        return EMPTY
    return None


def media_questions(definition: Definition) -> list[str]:
    """The names of the questions answered with a file."""
    return [q.name for q in definition.questions if isinstance(q.kind, MediaType)]


def store_media(response: Response, definition: Definition, files: Mapping[str, UploadedFile]) -> list[MediaFile]:
    """Keep the files answering a stored response's media questions; a file already kept is not kept twice."""
    kept = set(db.session.scalars(select(MediaFile.question).where(MediaFile.response_id == response.id)))
    stored = []
    for name, upload in files.items():
        kind = definition.question(name).kind
        if name in kept or not isinstance(kind, MediaType):
            continue
        media = MediaFile(
            response_id=response.id,
            question=name,
            file_name=upload.file_name,
            content_type=upload.content_type,
            size=len(upload.data),
            to_transcribe=kind.to_transcribe,
            data=upload.data,
        )
        db.session.add(media)
        stored.append(media)
    db.session.flush()
    return stored


def list_media(limit: int = 500) -> list[tuple[MediaFile, str]]:
    """The latest files, newest first, each with the slug of the survey it answers."""
    rows = db.session.execute(
        select(MediaFile, SurveyVersion)
        .join(Response, MediaFile.response_id == Response.id)
        .join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        .order_by(MediaFile.id.desc())
        .limit(limit)
    )
    return [(media, version.survey.slug) for media, version in rows]


def read_media(media_id: int, reader: User) -> MediaFile | None:
    """A file with its bytes, for an administrator; each read is logged, as a raw testimony's is."""
    media = db.session.get(MediaFile, media_id)
    if media is not None:
        record_event("read_media", actor=reader, target_type="media_file", target_id=media.id)
    return media


# Recordings a browser's player reads, sent inline so the page can play them; every other file, and
# anything a browser could run as a page (SVG, HTML), goes out as a download.
PLAYABLE = frozenset(
    {
        "audio/aac",
        "audio/flac",
        "audio/mp4",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
        "audio/wave",
        "audio/webm",
        "audio/x-m4a",
        "audio/x-wav",
    }
)


def plays_inline(content_type: str) -> bool:
    """Whether a file of this content type is a recording sent inline for the page's player."""
    return content_type.split(";")[0].strip().lower() in PLAYABLE
