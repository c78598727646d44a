"""Field worker views."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from survey.services.surveys import list_open_surveys
from survey.web.field import bp


@bp.get("/")
def home() -> ResponseReturnValue:
    """The open surveys a field worker can collect."""
    return render_template("field/home.html", surveys=list_open_surveys())
