"""A tablet's record sent alone with the files its photo and recording questions name: stored together
or not at all, and a resend after a lost answer stores nothing twice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from werkzeug.utils import secure_filename

from survey.extensions import db
from survey.models import Device, MediaFile, Response, User
from survey.questionnaire import Definition
from survey.questionnaire.media_types import MediaType
from survey.questionnaire.messages import AnswerError, echoed
from survey.services.media import EMPTY, TOO_LARGE, UploadedFile, file_problem, media_questions, store_media
from survey.services.openrosa import content_type_of
from survey.services.records import (
    FILE_EMPTY,
    FILE_KIND,
    FILE_MISSING,
    FILE_TOO_LARGE,
    FILE_UNASKED,
    RecordResult,
    Status,
    invalid,
    record_language,
)
from survey.services.submissions import find_response
from survey.services.surveys import definition_of
from survey.services.sync import ingest_record

SOURCE = "api_files"
UNNAMED = "file"
_PROBLEMS = {TOO_LARGE: FILE_TOO_LARGE, EMPTY: FILE_EMPTY}


@dataclass(frozen=True)
class FilesResult:
    """The record's answer, and whether a file was over the size limit (the API then answers 413)."""

    result: RecordResult
    too_large: bool = False


class _Refused(Exception):
    """Files that cannot be kept: the record they came with is not kept either."""

    def __init__(self, record_uuid: str | None, problems: dict[str, AnswerError]) -> None:
        super().__init__(record_uuid)
        self.record_uuid = record_uuid
        self.problems = problems


def ingest_with_files(
    record: Any,
    files: Mapping[str, UploadedFile],
    *,
    user: User | None,
    device: Device | None,
    language: str,
    max_bytes: int,
) -> FilesResult:
    """Store a record and the files by question it names in one savepoint; refuse both if a file is wrong or missing.

    A resend of a stored record is a duplicate and keeps only a file not kept before, so a retry
    after a dropped connection never makes a second response or a second file.
    """
    try:
        with db.session.begin_nested():
            result = ingest_record(record, user=user, device=device, source=SOURCE, language=language)
            response = find_response(result.uuid) if result.uuid else None
            if result.status not in (Status.CREATED, Status.DUPLICATE) or response is None:
                return FilesResult(result)  # invalid, kept aside, or withdrawn: its files are not kept
            definition = definition_of(response.survey_version)
            accepted = _accepted_files(response, definition, files, max_bytes, result.uuid)
            store_media(response, definition, accepted)
            return FilesResult(result)
    except _Refused as refused:
        wording = record_language(record, language)
        too_large = any(problem.code == FILE_TOO_LARGE for problem in refused.problems.values())
        return FilesResult(invalid(refused.record_uuid, refused.problems, wording), too_large)


def _accepted_files(
    response: Response,
    definition: Definition,
    files: Mapping[str, UploadedFile],
    max_bytes: int,
    record_uuid: str | None,
) -> dict[str, UploadedFile]:
    """The files to keep by question, under safe names; raises _Refused naming each one that is wrong or missing."""
    asked = set(media_questions(definition))
    named = {a.question: a.value_text for a in response.answers if a.question in asked and a.value_text}
    kept = set(db.session.scalars(select(MediaFile.question).where(MediaFile.response_id == response.id)))
    problems: dict[str, AnswerError] = {}
    accepted: dict[str, UploadedFile] = {}
    for question, upload in files.items():
        if question in kept:  # a resend of what is stored: its file is not judged again, nor kept twice
            continue
        kind = definition.question(question).kind if question in named else None
        if not isinstance(kind, MediaType):
            problems[question] = AnswerError(FILE_UNASKED)
            continue
        content_type = content_type_of(upload)
        problem = file_problem(kind, content_type, len(upload.data), max_bytes)
        if problem is not None:
            problems[question] = AnswerError(_PROBLEMS.get(problem, FILE_KIND), {"mb": _megabytes(max_bytes)})
            continue
        name = secure_filename(upload.file_name) or UNNAMED
        accepted[question] = UploadedFile(name, content_type, upload.data)
    for question, file_name in named.items():
        if question not in files and question not in kept:  # a name whose file was lost: an answer lost
            problems[question] = AnswerError(FILE_MISSING, {"file": echoed(str(file_name))})
    if problems:
        raise _Refused(record_uuid, problems)
    return accepted


def _megabytes(size: int) -> str:
    return str(round(size / 1024 / 1024, 1))
