"""Dates and date-times as ODK counts them: days since 1970-01-01, a time as a fraction of a day."""

# As the ODK spec says, number() and decimal-date-time() count a date-time in days since
# 1970-01-01 UTC, by its own offset ('2026-11-30T18:00:00-05:00' is 23:00 UTC, day 20787.958...);
# one written without an offset is read as UTC, so that the server and every browser give it the
# same number. A date is the midnight that starts it, a whole number of days. date() and
# format-date() show a date-time by the clock it was written in (18:00 above), as the resident saw it.

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from survey.questionnaire.expressions.parsing import error_at

_DATE = re.compile(r"[ \t\n\r]*([0-9]{4})-([0-9]{2})-([0-9]{2})[ \t\n\r]*")
_DATE_TIME = re.compile(
    r"[ \t\n\r]*([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?"
    r"(Z|([+-])([0-9]{2}):([0-9]{2}))?[ \t\n\r]*"
)
_EPOCH = date(1970, 1, 1).toordinal()
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


@dataclass(frozen=True)
class Moment:
    """A calendar date and a wall-clock time, as format-date() reads them."""

    day: date
    hour: int = 0
    minute: int = 0
    second: int = 0
    millisecond: int = 0


def _calendar_date(year: str, month: str, day: str) -> date | None:
    """The date of three digit groups, or None when there is no such day."""
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _read(text: str) -> tuple[Moment, float] | None:
    """The wall-clock moment a date or date-time string says and its offset from UTC in seconds."""
    match = _DATE.fullmatch(text)
    if match:
        day = _calendar_date(*match.groups())
        return None if day is None else (Moment(day), 0.0)
    match = _DATE_TIME.fullmatch(text)
    if not match:
        return None
    year, month, day_text, hour, minute, second, fraction, _zone, sign, zone_hours, zone_minutes = match.groups()
    day = _calendar_date(year, month, day_text)
    if day is None or int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return None
    if zone_hours is not None and (int(zone_hours) > 23 or int(zone_minutes) > 59):
        return None
    offset = 0 if sign is None else (int(zone_hours) * 3600 + int(zone_minutes) * 60) * (-1 if sign == "-" else 1)
    millisecond = min(999, math.floor(float(fraction or 0) * 1000 + 0.5))
    moment = Moment(day, int(hour), int(minute), int(second or 0), millisecond)
    return moment, float(offset)


def date_days(text: str) -> float | None:
    """Days since 1970-01-01 UTC of a YYYY-MM-DD or date-time string, or None when it is neither."""
    read = _read(text)
    if read is None:
        return None
    moment, offset = read
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.millisecond / 1000 - offset
    return float(moment.day.toordinal() - _EPOCH) + seconds / 86400


def from_days(days: float) -> Moment | None:
    """The date and time a number of days since 1970-01-01 stands for, or None outside years 1 to 9999."""
    if math.isnan(days) or math.isinf(days):
        return None
    whole = math.floor(days)
    ordinal = _EPOCH + whole
    if ordinal < 1 or ordinal > date.max.toordinal():
        return None
    milliseconds = math.floor((days - whole) * 86400000 + 0.5)
    if milliseconds >= 86400000:  # rounds up to the next midnight
        return from_days(float(whole + 1))
    seconds, millisecond = divmod(milliseconds, 1000)
    return Moment(date.fromordinal(ordinal), seconds // 3600, seconds // 60 % 60, seconds % 60, millisecond)


def moment_of(text: str) -> Moment | None:
    """The date and wall-clock time a date or date-time string says, or None when it says none."""
    read = _read(text)
    return None if read is None else read[0]


def date_string(moment: Moment) -> str:
    """YYYY-MM-DD."""
    return moment.day.isoformat()


def format_moment(moment: Moment, pattern: str, name: str, position: int) -> str:
    """format-date(): %Y %y %m %n %d %e %H %h %M %S %3 %a %b and %% replaced, English names."""
    day = moment.day
    fields = {
        "Y": f"{day.year:04d}",
        "y": f"{day.year % 100:02d}",
        "m": f"{day.month:02d}",
        "n": str(day.month),
        "d": f"{day.day:02d}",
        "e": str(day.day),
        "H": f"{moment.hour:02d}",
        "h": str(moment.hour),
        "M": f"{moment.minute:02d}",
        "S": f"{moment.second:02d}",
        "3": f"{moment.millisecond:03d}",
        "a": _WEEKDAYS[(day.weekday() + 1) % 7],
        "b": _MONTHS[day.month - 1],
        "%": "%",
    }
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char != "%":
            out.append(char)
            i += 1
            continue
        token = pattern[i + 1 : i + 2]
        if token not in fields:
            raise error_at(f"unknown format '%{token}' in {name}()", position)
        out.append(fields[token])
        i += 2
    return "".join(out)


def check_format(pattern: str, name: str, position: int) -> None:
    """Raise ExpressionError when a format-date() pattern has a token Voces does not know."""
    format_moment(Moment(date(1970, 1, 1)), pattern, name, position)


def now_string(moment: datetime) -> str:
    """now(): the local date-time with milliseconds and the offset, as ODK stores it."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.isoformat(timespec="milliseconds")
