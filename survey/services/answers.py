"""Word what is wrong with an answer, in the language of whoever reads it."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from survey.questionnaire.messages import ANSWER_MESSAGES, AnswerError


def describe_answer_error(error: AnswerError, language: str) -> str:
    """The survey's own words for the problem, else the interface's, in this language."""
    if error.text:
        return error.text
    with force_locale(language):
        return gettext(ANSWER_MESSAGES[error.code], **error.params)


def describe_answer_errors(errors: dict[str, AnswerError], language: str) -> dict[str, str]:
    """Each question's problem in words, in this language."""
    return {name: describe_answer_error(error, language) for name, error in errors.items()}
