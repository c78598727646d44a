"""What can be wrong with an answer, as codes the interface words in the reader's language."""

# The questionnaire cannot translate (it imports no Flask); it names each problem with a code and
# its parameters, and the web form and the sync API word it through the same catalogue. N_ only
# marks a text for the translation catalogue (pybabel extracts N_ by default).

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def N_(text: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Mark a text for translation without translating it."""
    return text


REQUIRED = "required"
CONSTRAINT = "constraint"
CHOICE = "choice"
SITE = "site"
TOO_LONG = "too_long"
INTEGER = "integer"
DECIMAL = "decimal"
DATE = "date"
ACKNOWLEDGE = "acknowledge"
GEOPOINT = "geopoint"
GEOPOINTS = "geopoints"
TIME = "time"
DATETIME = "datetime"
SHAPE = "shape"
NUL = "nul"

ANSWER_MESSAGES: Mapping[str, str] = {
    REQUIRED: N_("This question needs an answer."),
    CONSTRAINT: N_("This answer is not allowed."),
    CHOICE: N_("'%(value)s' is not one of the choices."),
    SITE: N_("'%(value)s' is not a community Voces knows."),
    TOO_LONG: N_("Please keep this under %(n)d characters."),
    INTEGER: N_("Not a valid integer value."),
    DECIMAL: N_("Not a valid decimal value."),
    DATE: N_("Not a valid date value."),
    ACKNOWLEDGE: N_("Tick the box to answer."),
    GEOPOINT: N_("Give a latitude between -90 and 90 and a longitude between -180 and 180, in degrees."),
    GEOPOINTS: N_("Give at least %(n)d points, one per line: latitude and longitude in degrees, separated by a space."),
    TIME: N_("Not a valid time of day (HH:MM)."),
    DATETIME: N_("Not a valid date and time."),
    SHAPE: N_("An answer must be text, a number or a list of choices."),
    NUL: N_("This answer holds an invisible NUL character that cannot be stored: please type it again."),
}

ECHO_LIMIT = 40  # a tablet may send anything: an error repeats only the start of it


def echoed(value: str) -> str:
    """A wrong value as an error message repeats it, cut short."""
    return value if len(value) <= ECHO_LIMIT else value[:ECHO_LIMIT] + "…"


@dataclass(frozen=True)
class Message:
    """A text to word in the reader's language: an N_-marked template and its parameters, messages too."""

    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        """The text in English, as the command line shows it."""
        return self.template % {k: str(v) for k, v in self.params.items()} if self.params else self.template


@dataclass(frozen=True)
class AnswerError:
    """What is wrong with one answer: the survey's own words if it has them, else a code to word."""

    code: str
    params: Mapping[str, int | str] = field(default_factory=dict)  # the offending value as echoed() gives it
    text: str = ""  # the survey's required_message or constraint_message, in the answer's language
