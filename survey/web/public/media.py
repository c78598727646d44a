"""The file input of a photo or recording question, and the checks on what it received."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from survey.questionnaire import Question
from survey.questionnaire.media_types import MediaType
from survey.services.media import DEFAULT_MEDIA_MAX_BYTES, EMPTY, TOO_LARGE, UploadedFile, file_problem

UNNAMED = "file"


def media_max_bytes() -> int:
    """The largest file a question takes (the MEDIA_MAX_BYTES setting)."""
    return int(current_app.config.get("MEDIA_MAX_BYTES", DEFAULT_MEDIA_MAX_BYTES))


class MediaField(FileField):
    """A file picked, taken or recorded; its data is the file, or None when none was sent."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Keep the first real file under a name safe to show and save; an empty part is no answer."""
        sent = [v for v in valuelist if isinstance(v, FileStorage) and v.filename]
        self.raw_data: list[Any] = []  # what the answer reads when no file came: nothing, not the part's repr
        self.data = sent[0] if sent else None
        if self.data is not None:
            self.data.filename = secure_filename(self.data.filename or "") or UNNAMED


def upload_problem(question: Question, field: FileField) -> str:
    """What is wrong with the file a media question received, in the reader's language; '' if nothing."""
    kind = question.kind
    upload = field.data
    if not isinstance(kind, MediaType) or not isinstance(upload, FileStorage):
        return ""
    upload.stream.seek(0, 2)
    size = upload.stream.tell()
    upload.stream.seek(0)
    problem = file_problem(kind, upload.mimetype or "", size, media_max_bytes())
    if problem is None:
        return ""
    if problem == TOO_LARGE:
        return _("This file is larger than %(mb)s MB.", mb=round(media_max_bytes() / 1024 / 1024, 1))
    if problem == EMPTY:
        return _("This file is empty.")
    if not kind.media:
        return _("This kind of file is not taken: it can hold a script.")
    return _("This file is not a photo.") if kind.media.startswith("image") else _("This file is not a recording.")


def uploaded(field: FileField) -> UploadedFile | None:
    """The file a checked media field received, read into memory, or None."""
    upload = field.data
    if not isinstance(upload, FileStorage):
        return None
    upload.stream.seek(0)
    return UploadedFile(file_name=str(upload.filename), content_type=str(upload.mimetype), data=upload.stream.read())
