"""Rate limits that answer with the page the person was on, saying how long to wait, instead of an error page."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import Flask, Response, current_app, make_response, render_template, request
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


View = TypeVar("View", bound=Callable[..., Any])


def takes_up_to(limit: Callable[[], int]) -> Callable[[View], View]:
    """Let a view take requests of up to limit() bytes (files beside a form), instead of MAX_CONTENT_LENGTH.

    The limit is set before anything reads the body: the CSRF check and the NUL check read a form's
    fields, and a body they read under the usual limit would be refused with a 413 before the view ran.
    """

    def mark(view: View) -> View:
        view.request_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


def apply_request_limits(app: Flask) -> None:
    """Before every other check of a request: the limit its view asked for with takes_up_to, if any."""

    @app.before_request
    def larger_request() -> None:
        view = current_app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "request_limit", None)
        if limit is not None:
            request.max_content_length = limit()
