"""Rate limits that answer with the page the person was on, saying how long to wait, instead of an error page."""

from __future__ import annotations

import math
import time
from datetime import datetime

from flask import Response, make_response, render_template
from flask_limiter import RequestLimit

from survey.models.base import utcnow

TOO_MANY_REQUESTS = 429


def minutes_until(when: datetime) -> int:
    """Whole minutes from now until a time, at least one."""
    return max(1, math.ceil((when - utcnow()).total_seconds() / 60))


def minutes_until_reset(limit: RequestLimit) -> int:
    """Whole minutes until a breached rate limit lets the next attempt through, at least one.

    The limiter rounds its reset time up to the next whole second, so a fresh lock-out can read a
    moment longer than its window; the window's own length is the most it can honestly say.
    """
    seconds = min(limit.reset_at - time.time(), limit.limit.get_expiry())
    return max(1, math.ceil(seconds / 60))


def refusal(template: str, **context: object) -> Response:
    """A page re-shown with status 429: the limit's reason goes in context, what was typed stays in its form."""
    return make_response(render_template(template, **context), TOO_MANY_REQUESTS)
