"""Question types for where and when: a location, a line or shape of locations, a time, a date and time."""

# Answers are kept as ODK writes them, so that an export reads in ODK's own tools: a point is
# "latitude longitude altitude accuracy" (degrees, then metres), a line or shape is points joined
# by ";", a time is HH:MM[:SS[.sss]][zone] and a date-time is the date, "T", then the time.

from __future__ import annotations

import math
import re
from collections.abc import Collection
from typing import TYPE_CHECKING

from survey.questionnaire.messages import DATETIME, GEOPOINT, GEOPOINTS, TIME, AnswerError
from survey.questionnaire.question_type import QuestionType

if TYPE_CHECKING:
    from survey.questionnaire.model import Question

UNKNOWN_ALTITUDE = "0"  # what ODK writes for a point typed by hand, or when no accuracy is known
POINT_SEPARATOR = ";"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
TIME_OF_DAY = re.compile(_TIME)
DATE_AND_TIME = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T" + _TIME)


Point = tuple[float, float, float, float]  # latitude, longitude, altitude, accuracy


def point_parts(value: str) -> Point | None:
    """A point's latitude, longitude, altitude and accuracy, or None when it is not a possible point."""
    words = value.split()
    if not 2 <= len(words) <= 4:
        return None
    try:
        numbers = [float(word) for word in words] + [0.0] * (4 - len(words))
    except ValueError:
        return None
    latitude, longitude, altitude, accuracy = numbers
    if not all(math.isfinite(n) for n in numbers) or accuracy < 0:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude, altitude, accuracy


def points_of(value: str) -> list[str]:
    """The points of a line or shape, whether joined by ';' (ODK) or one per line (a text area)."""
    return [point.strip() for point in re.split(r"[;\n]", value) if point.strip()]


class GeopointType(QuestionType):
    """A location: typed, or filled in by the browser's location, with its accuracy."""

    name = "geopoint"
    xlsform_names = ("geopoint", "gps")
    field = "geopoint"
    appearances = frozenset({"maps", "placement-map"})  # ODK offers a map; Voces asks for coordinates

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse what is not latitude and longitude in range, with an optional altitude and accuracy."""
        return None if point_parts(value) else AnswerError(GEOPOINT)

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept a possible point."""
        return point_parts(value) is not None


class GeotraceType(QuestionType):
    """A line of locations, one point per line of a text area."""

    name = "geotrace"
    xlsform_names = ("geotrace",)
    field = "geopoints"
    fewest_points = 2

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse too few points, or a point that is not one."""
        points = points_of(value)
        if len(points) < self.fewest_points or any(point_parts(p) is None for p in points):
            return AnswerError(GEOPOINTS, {"n": self.fewest_points})
        return None

    def field_default(self, question: Question) -> object:
        """The points one per line."""
        return "\n".join(points_of(question.default)) or None

    def from_field(self, data: object) -> str:
        """The points joined as ODK joins them."""
        return POINT_SEPARATOR.join(points_of(str(data)))

    def normalise(self, question: Question, value: str) -> str:
        """Points one per line, as a tablet's text area sends them, joined as ODK joins them."""
        return POINT_SEPARATOR.join(points_of(value))


class GeoshapeType(GeotraceType):
    """An area: a closed line of locations, one point per line of a text area."""

    name = "geoshape"
    xlsform_names = ("geoshape",)
    fewest_points = 3


class TimeType(QuestionType):
    """A time of day."""

    name = "time"
    xlsform_names = ("time",)
    field = "time"

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse what is not HH:MM, with optional seconds and time zone."""
        return None if TIME_OF_DAY.fullmatch(value) else AnswerError(TIME)

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept a time of day."""
        return bool(TIME_OF_DAY.fullmatch(value))


class DateTimeType(QuestionType):
    """A date and a time of day."""

    name = "datetime"
    xlsform_names = ("datetime", "dateTime")
    field = "datetime"

    def problem(
        self, question: Question, value: str, allowed: Collection[str], known_sites: Collection[str]
    ) -> AnswerError | None:
        """Refuse what is not YYYY-MM-DDTHH:MM, with optional seconds and time zone."""
        return None if DATE_AND_TIME.fullmatch(value) else AnswerError(DATETIME)

    def accepts_default(self, question: Question, value: str) -> bool:
        """Accept a date and time."""
        return bool(DATE_AND_TIME.fullmatch(value))
