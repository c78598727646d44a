"""Question types answered with a file: a photo, a recorded testimony for a resident who cannot write, any file."""

# The answer kept with the others is the file's name, as ODK keeps it; the file itself is stored
# apart, beside the response, and only administrators can fetch it back.

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, ClassVar

from survey.questionnaire.messages import TOO_LONG, AnswerError
from survey.questionnaire.question_type import QuestionType

if TYPE_CHECKING:
    from survey.questionnaire.model import Question

FILE_NAME_LENGTH = 200


class MediaType(QuestionType):
    """A file the resident picks, takes or records; its name is the answer."""

    name = "media"
    field = "file"
    media: ClassVar[str] = ""  # the kind of file, as HTML's accept attribute writes it
    capture: ClassVar[str] = ""  # which camera or microphone a phone opens
    to_transcribe: ClassVar[bool] = False  # someone types out what it says, to analyse it as text

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse a file name too long to keep."""
        return AnswerError(TOO_LONG, {"n": FILE_NAME_LENGTH}) if len(value) > FILE_NAME_LENGTH else None

    def field_default(self, question: Question) -> object:
        """A file has no default."""
        return None

    def from_field(self, data: object) -> str:
        """The name of the file sent, '' when none was."""
        return str(getattr(data, "filename", "") or "")

    def accepts(self, content_type: str) -> bool:
        """Say whether a file of this content type answers the question."""
        return content_type.startswith(self.media.removesuffix("*"))


class ImageType(MediaType):
    """A photo, taken with the phone's camera or picked from its files."""

    name = "image"
    xlsform_names = ("image", "photo")
    media = "image/*"
    capture = "environment"


class AudioType(MediaType):
    """A spoken answer, recorded on the phone; it is marked to transcribe."""

    name = "audio"
    xlsform_names = ("audio",)
    media = "audio/*"
    capture = "user"
    to_transcribe = True


class VideoType(MediaType):
    """A short film, taken with the phone's camera."""

    name = "video"
    xlsform_names = ("video",)
    media = "video/*"
    capture = "environment"


class FileType(MediaType):
    """Any other file: a document, a spreadsheet, or the .osm file of an OpenStreetMap question."""

    name = "file"
    xlsform_names = ("file",)
