"""One transaction per request: services add and flush, and the request commits once at its end."""

from __future__ import annotations

from flask import Flask, Response

from survey.extensions import db


def register_transactions(app: Flask) -> None:
    """Commit a request's work when it answers below 400; roll it back after an error or an exception."""

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        # Before the response is sent: a commit that fails becomes a 500, not a redirect to a lie.
        # An error page (4xx or 5xx) keeps nothing of the work that led to it; a view that must keep
        # something while refusing answers 200 with the refusal in its body, as the sync API does.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def roll_back_after_exception(error: BaseException | None) -> None:
        if error is not None:  # an exception no error page handled: after_request never ran
            db.session.rollback()
