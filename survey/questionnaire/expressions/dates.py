"""Dates and date-times as ODK counts them: days since 1970-01-01, a time as a fraction of a day."""

# A date-time counts by the wall clock it was written in: '2026-11-30T18:00:00-05:00' is day
# 20787.75 whatever the device's time zone, so both evaluators give the same number for it; the
# offset is read and checked but not applied. A date is the midnight that starts it.

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from survey.questionnaire.expressions.parsing import error_at

_DATE = re.compile(r"[ \t\n\r]*([0-9]{4})-([0-9]{2})-([0-9]{2})[ \t\n\r]*")
_DATE_TIME = re.compile(
    r"[ \t\n\r]*([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?[ \t\n\r]*"
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


def date_days(text: str) -> float | None:
    """Days since 1970-01-01 of a YYYY-MM-DD or date-time string, or None when it is neither."""
    match = _DATE.fullmatch(text)
    if match:
        day = _calendar_date(*match.groups())
        return None if day is None else float(day.toordinal() - _EPOCH)
    match = _DATE_TIME.fullmatch(text)
    if not match:
        return None
    year, month, day_text, hour, minute, second, fraction = match.groups()
    day = _calendar_date(year, month, day_text)
    if day is None or int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return None
    seconds = int(hour) * 3600 + int(minute) * 60 + int(second or 0) + float(fraction or 0)
    return float(day.toordinal() - _EPOCH) + seconds / 86400


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
    days = date_days(text)
    return None if days is None else from_days(days)


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
