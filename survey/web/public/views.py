"""Views for residents."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import replace
from typing import Any

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_wtf import FlaskForm
from sqlalchemy import text

from survey.extensions import db
from survey.questionnaire import Definition
from survey.services.media import media_questions, store_media
from survey.services.sites import list_sites
from survey.services.submissions import find_response, record_submission
from survey.services.surveys import list_open_surveys, open_survey
from survey.web.public import bp, resubmission
from survey.web.public.forms import answers_from, build_form, submission_from, uploads_from
from survey.web.public.layout import form_items
from survey.web.public.media import media_max_bytes
from survey.web.public.review import carried_answers, review_rows


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
    if files := len(media_questions(definition)):  # room for each file, over the limit for the rest
        request.max_content_length = files * media_max_bytes() + int(current_app.config["MAX_CONTENT_LENGTH"])
    form = build_form(definition, language, list_sites())
    step = request.form.get("step", "")  # "review" from the form's button, "change" from the review page
    valid = form.validate_on_submit()
    if valid and step == "review":
        return _review_page(form, definition, language)
    if valid and step != "change":
        submission = submission_from(form, version, definition, language)
        known = find_response(submission.uuid)
        if known is not None and resubmission.is_own(known):  # a double tap: the receipt it already has
            resubmission.remember_sent(slug, known, submission.answers)
            return redirect(url_for("public.thanks", slug=slug))
        if known is not None:  # another browser's id, or a stale page: these answers are a new response
            submission = replace(submission, uuid=str(uuidlib.uuid4()))
        if not form.repeat.data and resubmission.is_repeat(slug, submission.answers):
            form.repeat.data = "1"  # the same answers again: stored only if the resident says so
            return _form_page(form, definition, language, repeat=True)
        response = record_submission(submission)
        store_media(response, definition, uploads_from(form, definition))
        resubmission.remember_sent(slug, response, submission.answers)
        return redirect(url_for("public.thanks", slug=slug))
    if not form.is_submitted():
        resubmission.remember_issued(form.uuid.data)
    return _form_page(form, definition, language)


def _review_page(form: FlaskForm, definition: Definition, language: str) -> str:
    return render_template(
        "public/review.html",
        form=form,
        definition=definition,
        rows=review_rows(form, definition, answers_from(form, definition), language),
        carried=carried_answers(request.form),
    )


def _form_page(form: FlaskForm, definition: Definition, language: str, *, repeat: bool = False) -> str:
    return render_template(
        "public/survey.html",
        form=form,
        definition=definition,
        items=form_items(form, definition, language),
        repeat=repeat,
    )


@bp.get("/s/<slug>/thanks")
def thanks(slug: str) -> ResponseReturnValue:
    """Thank the resident and show their receipt code."""
    found = open_survey(slug)
    if found is None:
        abort(404)
    return render_template("public/thanks.html", definition=found[1], receipt=resubmission.take_receipt(slug))


@bp.get("/login")
def login_alias() -> ResponseReturnValue:
    """The address people guess for the login page; ?next= and ?lang= go along."""
    kept: dict[str, Any] = {key: request.args[key] for key in ("next", "lang") if key in request.args}
    return redirect(url_for("auth.login", **kept), code=301)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Say whether the app and its database answer."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any database failure means unhealthy
        return jsonify(status="error", database=type(error).__name__), 503
    return jsonify(status="ok", database="ok")
