"""Views for residents."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from sqlalchemy import text

from survey.extensions import db
from survey.services.sites import list_sites
from survey.services.submissions import record_submission
from survey.services.surveys import list_open_surveys, open_survey
from survey.web.public import bp
from survey.web.public.forms import build_form, submission_from
from survey.web.public.layout import form_items


@bp.get("/")
def home() -> ResponseReturnValue:
    """The surveys residents can answer."""
    return render_template("public/home.html", surveys=list_open_surveys())


@bp.route("/s/<slug>", methods=["GET", "POST"])
def answer_survey(slug: str) -> ResponseReturnValue:
    """Show a survey's current version and record a valid submission."""
    found = open_survey(slug)
    if found is None:
        abort(404)
    version, definition = found
    language = str(get_locale())
    form = build_form(definition, language, list_sites())
    if form.validate_on_submit():
        response = record_submission(submission_from(form, version, definition, language))
        session["receipt"] = response.receipt_code
        return redirect(url_for("public.thanks", slug=slug))
    return render_template(
        "public/survey.html",
        form=form,
        definition=definition,
        items=form_items(form, definition, language),
    )


@bp.get("/s/<slug>/thanks")
def thanks(slug: str) -> ResponseReturnValue:
    """Thank the resident and show their receipt code."""
    found = open_survey(slug)
    if found is None:
        abort(404)
    return render_template("public/thanks.html", definition=found[1], receipt=session.get("receipt"))


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Say whether the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any database failure means unhealthy
        return jsonify(status="error", database=type(error).__name__), 503
    return jsonify(status="ok", database="ok")
