"""Warnings about a survey file that can be said in the reader's language where they are shown."""

from __future__ import annotations

from typing import Any

from survey.questionnaire.messages import N_

__all__ = ["N_", "Notice"]


class Notice(str):
    """The English sentence, keeping its template and values so a web page can translate it.

    A str, so the command line prints it and callers that compare sentences keep working; the
    questionnaire knows no locale, the admin pages do.
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Notice:
        notice = super().__new__(cls, template % values)
        notice.template = template
        notice.values = values
        return notice
