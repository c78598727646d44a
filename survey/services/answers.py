"""Word what is wrong with an answer, in the language of whoever reads it."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import force_locale, gettext

from survey.questionnaire.messages import ANSWER_MESSAGES, AnswerError


def describe_answer_error(error: AnswerError, language: str, messages: Mapping[str, str] = ANSWER_MESSAGES) -> str:
    """The survey's own words for the problem, else the interface's, in this language."""
    if error.text:
        return error.text
    with force_locale(language):
        return gettext(messages[error.code], **error.params)


def describe_answer_errors(
    errors: Mapping[str, AnswerError], language: str, messages: Mapping[str, str] = ANSWER_MESSAGES
) -> dict[str, str]:
    """Each problem in words, in this language; messages holds the texts of the codes."""
    return {name: describe_answer_error(error, language, messages) for name, error in errors.items()}
