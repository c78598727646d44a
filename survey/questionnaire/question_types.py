"""One class per question type: what it accepts, its default, its stored value, its field and its XLSForm row."""

# Each type is the one place that knows how its answers behave; the parser, the rules, the validator,
# the web form and the XLSForm writer ask it instead of comparing type names. Answers travel as ODK
# strings: '' when unanswered, select_multiple answers space-separated.

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from survey.questionnaire.media_types import AudioType, FileType, ImageType, VideoType
from survey.questionnaire.messages import (
    ACKNOWLEDGE,
    CHOICE,
    DATE,
    DECIMAL,
    INTEGER,
    SITE,
    TOO_LONG,
    AnswerError,
    echoed,
)
from survey.questionnaire.place_and_time_types import (
    DateTimeType,
    GeopointType,
    GeoshapeType,
    GeotraceType,
    TimeType,
)
from survey.questionnaire.question_type import QuestionType

if TYPE_CHECKING:
    from survey.questionnaire.model import Question

MONTH_YEAR = "month-year"  # ODK's appearances asking a date question for a month or a year only
YEAR = "year"
DATE_FIELDS = {"YYYY-MM": "month", "YYYY": "year"}
# A month or year as a field sends it, or a whole date (a tablet's, ODK Collect's): its day is dropped.
_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>0?[1-9]|1[0-2])(?:-[0-9]{2})?")
_YEAR = re.compile(r"(?P<year>[0-9]{4})(?:-[0-9]{2}-[0-9]{2})?")
ACKNOWLEDGED = "OK"  # what ODK stores for a ticked acknowledge question
ACKNOWLEDGED_WORDS = frozenset({"ok", "yes", "true", "1"})  # what a tablet may send instead
SITE_LIST = "sites"  # the XLSForm choice list a site question reads; sites live in Voces
SPREAD = frozenset({"minimal", "horizontal", "horizontal-compact"})  # how a choice list is laid out
WHOLE_NUMBER = re.compile(r"-?[0-9]+")  # an integer answer, a likert choice's name
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class TextType(QuestionType):
    """Free text; multiline text is a testimony."""

    name = "text"
    xlsform_names = ("text",)
    appearances = frozenset({"multiline"})
    can_be_testimony = True

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse text longer than the question allows."""
        return AnswerError(TOO_LONG, {"n": question.max_length}) if len(value) > question.max_length else None

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept plain text, not an expression."""
        return "${" not in value and not value.endswith("()")

    def field_kind(self, question: Question) -> str:
        """A multiline question gets a text area."""
        return "textarea" if "multiline" in question.appearance.split() else "text"

    def field_flags(self, question: Question) -> dict[str, bool | int]:
        """Text also says how long it may be."""
        return super().field_flags(question) | {"maxlength": question.max_length}


class IntegerType(QuestionType):
    """A whole number."""

    name = "integer"
    xlsform_names = ("integer",)
    field = "integer"

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse anything but digits with an optional minus."""
        return None if WHOLE_NUMBER.fullmatch(value) else AnswerError(INTEGER)

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept a whole number."""
        return bool(WHOLE_NUMBER.fullmatch(value))

    def field_default(self, question: Question) -> object:
        """The default as an int."""
        return int(question.default) if question.default else None

    def stored_number(self, question: Question, value: str) -> float | None:
        """Whole numbers are counted."""
        return float(value)


class DecimalType(QuestionType):
    """A number with or without a fraction."""

    name = "decimal"
    xlsform_names = ("decimal",)
    field = "decimal"

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse what is not a finite number."""
        try:
            number = float(value)
        except ValueError:
            return AnswerError(DECIMAL)
        return None if math.isfinite(number) else AnswerError(DECIMAL)

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept a plain decimal number."""
        return bool(_DECIMAL.fullmatch(value))

    def field_default(self, question: Question) -> object:
        """The default as a Decimal."""
        return Decimal(question.default) if question.default else None

    def stored_number(self, question: Question, value: str) -> float | None:
        """Decimals are measured, so they are kept as numbers as whole numbers are."""
        return float(value)

    def from_field(self, data: object) -> str:
        """A Decimal written out without an exponent."""
        return format(data, "f") if isinstance(data, Decimal) else str(data)


class DateType(QuestionType):
    """A calendar date, stored as YYYY-MM-DD; month-year and year ask only for a month or a year.

    As in ODK, a month is stored as its first day (2026-03-01) and a year as its first day
    (2026-01-01), so that expressions and exports read a date either way.
    """

    name = "date"
    xlsform_names = ("date",)
    field = "date"
    appearances = frozenset({MONTH_YEAR, YEAR})

    def field_kind(self, question: Question) -> str:
        """A month-year question gets a month field, a year question a year field."""
        return DATE_FIELDS.get(_precision(question), self.field)

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse what is not a YYYY-MM-DD date."""
        return None if _is_date(value) else AnswerError(DATE)

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept a YYYY-MM-DD date."""
        return _is_date(value)

    def field_default(self, question: Question) -> object:
        """The default as a date, or as the month (2026-03) or year (2026) its field shows."""
        if not question.default:
            return None
        if precision := _precision(question):
            return question.default[: len(precision)]
        return date.fromisoformat(question.default)

    def from_field(self, data: object) -> str:
        """A date as YYYY-MM-DD; a month or year field's text as it was typed."""
        return data.isoformat() if isinstance(data, date) else str(data)

    def normalise(self, question: Question, value: str) -> str:
        """A month (2026-03) or a year (2026), typed or sent, as the first day ODK stores for it."""
        return first_day(_precision(question), value)


def _precision(question: Question) -> str:
    """What a date question asks for: "YYYY-MM" for a month, "YYYY" for a year, "" for a whole date."""
    words = question.appearance.split()
    return "YYYY-MM" if MONTH_YEAR in words else "YYYY" if YEAR in words else ""


def first_day(precision: str, value: str) -> str:
    """The first day of the month (YYYY-MM) or year (YYYY) written in value; value itself if it names none."""
    text = value.strip()
    if precision == "YYYY-MM" and (month := _MONTH.fullmatch(text)):
        return f"{month['year']}-{int(month['month']):02d}-01"
    if precision == "YYYY" and (year := _YEAR.fullmatch(text)):
        return f"{year['year']}-01-01"
    return value


class BarcodeType(TextType):
    """A code read from a barcode; typed here, as Enketo asks for it, since a web page has no scanner."""

    name = "barcode"
    xlsform_names = ("barcode",)
    appearances = frozenset()
    can_be_testimony = False


class SelectOneType(QuestionType):
    """One choice from a list; the likert appearance makes it a five-point scale."""

    name = "select_one"
    xlsform_names = ("select_one", "select one")
    field = "radio"
    appearances = SPREAD | {"likert"}
    has_choice_list = True
    locked_when_read_only = True
    can_bind_consent = True
    reads_site_list = True

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse a choice not on offer, naming it."""
        return None if value in allowed else AnswerError(CHOICE, {"value": echoed(value)})

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept one of the choices."""
        return value in {c.name for c in question.choices}

    def stored_number(self, question: Question, value: str) -> float | None:
        """A likert answer is counted as its number."""
        return float(value) if question.likert else None

    def xlsform_type(self, question: Question) -> str:
        """select_one and the list's name."""
        return f"{self.name} {question.list_name}"


class SelectMultipleType(QuestionType):
    """Any number of choices from a list."""

    name = "select_multiple"
    xlsform_names = ("select_multiple", "select all that apply")
    field = "checkboxes"
    appearances = SPREAD
    has_choice_list = True
    locked_when_read_only = True

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse choices not on offer, naming the first."""
        wrong = [choice for choice in value.split() if choice not in allowed]
        return AnswerError(CHOICE, {"value": echoed(wrong[0])}) if wrong else None

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept some of the choices."""
        return set(value.split()) <= {c.name for c in question.choices}

    def field_default(self, question: Question) -> object:
        """The default as a list of choice names."""
        return question.default.split() if question.default else None

    def from_field(self, data: object) -> str:
        """The chosen names, space-separated."""
        return " ".join(data) if isinstance(data, list | tuple) else str(data)

    def xlsform_type(self, question: Question) -> str:
        """select_multiple and the list's name."""
        return f"{self.name} {question.list_name}"


class SiteType(QuestionType):
    """The community the response comes from, one of the sites kept in Voces."""

    name = "site"
    field = "site"
    locked_when_read_only = True
    binds = "site"

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse a site Voces does not know, naming it."""
        return None if value in known_sites else AnswerError(SITE, {"value": echoed(value)})

    def accepts_default(self, question: Question, value: str) -> bool:
        """Any slug: sites may be added after the survey."""
        return True

    def xlsform_type(self, question: Question) -> str:
        """A select_one from the sites list."""
        return f"select_one {SITE_LIST}"


class AcknowledgeType(QuestionType):
    """A box to tick, stored as OK."""

    name = "acknowledge"
    xlsform_names = ("acknowledge",)
    field = "checkbox"
    locked_when_read_only = True

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse anything but a tick."""
        return None if value.lower() in ACKNOWLEDGED_WORDS else AnswerError(ACKNOWLEDGE)

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept only OK."""
        return value == ACKNOWLEDGED

    def field_default(self, question: Question) -> object:
        """The default as the box's state."""
        return question.default == ACKNOWLEDGED if question.default else None

    def from_field(self, data: object) -> str:
        """A ticked box is OK, an empty one unanswered."""
        return ACKNOWLEDGED if data else ""

    def normalise(self, question: Question, value: str) -> str:
        """A tablet may say yes, true or 1; the form's logic compares with OK."""
        return ACKNOWLEDGED if value.lower() in ACKNOWLEDGED_WORDS else value


class NoteType(QuestionType):
    """Text to read; nothing is asked or kept."""

    name = "note"
    xlsform_names = ("note",)
    stored = False
    answered = False


class CalculateType(QuestionType):
    """A value worked out from other answers and kept, never shown."""

    name = "calculate"
    xlsform_names = ("calculate",)
    shown = False
    answered = False
    calculated = True


QUESTION_TYPES: Mapping[str, QuestionType] = {
    kind.name: kind
    for kind in (
        TextType(),
        IntegerType(),
        DecimalType(),
        DateType(),
        TimeType(),
        DateTimeType(),
        GeopointType(),
        GeotraceType(),
        GeoshapeType(),
        ImageType(),
        AudioType(),
        VideoType(),
        FileType(),
        BarcodeType(),
        SelectOneType(),
        SelectMultipleType(),
        SiteType(),
        AcknowledgeType(),
        NoteType(),
        CalculateType(),
    )
}


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return bool(_ISO_DATE.fullmatch(value))
