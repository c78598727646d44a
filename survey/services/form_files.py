"""The CSV files a form sends to the tablet beside its XForm (OpenRosa's media manifest).

A file is rebuilt from the rows the definition keeps, byte for byte as the XLSForm export writes it,
so its hash stays the same from one download to the next and changes only with its rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from survey.models import SurveyVersion
from survey.questionnaire.xlsform.writing import data_file_bytes
from survey.services.surveys import definition_of

CSV_SUFFIX = ".csv"


@dataclass(frozen=True)
class FormFile:
    """One file sent with a form: the name its XForm gives it (jr://file-csv/NAME.csv) and its bytes."""

    filename: str
    content: bytes

    @property
    def md5(self) -> str:
        """The manifest's hash: Collect downloads the file again when it changes."""
        return "md5:" + hashlib.md5(self.content, usedforsecurity=False).hexdigest()


def form_files(version: SurveyVersion) -> tuple[FormFile, ...]:
    """The CSV files the version's pulldata() and instance('name') read, in the definition's order."""
    data_files = definition_of(version).data_files
    return tuple(FormFile(f"{name}{CSV_SUFFIX}", data_file_bytes(rows)) for name, rows in data_files.items())
