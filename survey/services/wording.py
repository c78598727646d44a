"""Messages kept as a template and its parameters, worded in the language of whoever reads them."""

from __future__ import annotations

from flask_babel import gettext

from survey.questionnaire.messages import Message


def worded(message: Message) -> str:
    """The message in the reader's language, its parameters that are messages too."""
    params = {k: worded(v) if isinstance(v, Message) else v for k, v in message.params.items()}
    return gettext(message.template, **params)
