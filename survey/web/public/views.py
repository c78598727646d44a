"""Views for residents."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import replace
from typing import Any

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from survey.extensions import db
from survey.models import Role, SurveyVersion
from survey.questionnaire import Definition
from survey.services.media import media_questions, store_media
from survey.services.sites import list_sites
from survey.services.submissions import Submission, find_response, record_submission
from survey.services.surveys import list_open_surveys, open_survey
from survey.web.public import bp, drafts, resubmission
from survey.web.public.forms import answers_from, build_form, fill_outputs, submission_from, uploads_from
from survey.web.public.layout import form_items, tables_attribute
from survey.web.public.media import media_max_bytes
from survey.web.public.pages import (
    clear_errors,
    first_error_page,
    keep_page_errors,
    page_of_question,
    posted_page,
    relevant_pages,
    split_pages,
    turn_page,
)
from survey.web.public.repeats import added_instance, changed_instances, changes_instances
from survey.web.public.review import carried_answers, review_rows

LAST_PAGE = "last"  # where the send button is: the answers were the same as those just sent


@bp.get("/")
def home() -> ResponseReturnValue:
    """The surveys residents can answer."""
    return render_template("public/home.html", surveys=list_open_surveys())


@bp.route("/s/<slug>", methods=["GET", "POST"])
def answer_survey(slug: str) -> ResponseReturnValue:
    """Show a survey's current version, a page at a time, and record a valid submission."""
    found = open_survey(slug)
    if found is None:
        abort(404)
    version, definition = found
    language = str(get_locale())
    if files := len(media_questions(definition)):  # room for each file, over the limit for the rest
        request.max_content_length = files * media_max_bytes() + int(current_app.config["MAX_CONTENT_LENGTH"])
    draft = drafts.load_draft(slug, definition.version) if request.method == "GET" else None
    step = request.form.get("step", "")  # review, next, back, restart; "change" from the review page
    if changes_instances(step):
        return _changed_instances(definition, language, changed_instances(definition, request.form, step), step)
    form = build_form(definition, language, list_sites(), MultiDict(draft.answers) if draft else None)
    valid = form.validate_on_submit()
    if step == "restart" and "csrf_token" not in form.errors:
        drafts.drop_draft(slug)
        return redirect(url_for("public.answer_survey", slug=slug))
    if step in ("next", "back"):
        return _turned_page(form, definition, language, slug, step)
    if valid and step == "review":
        return _review_page(form, definition, language)
    if valid and step != "change":
        return _store(form, version, definition, language, slug)
    if not form.is_submitted():
        resubmission.remember_issued(form.uuid.data)
    page = draft.page if draft else request.args.get("page", "1")
    return _form_page(form, definition, language, page=page, draft=draft)


def _store(
    form: FlaskForm, version: SurveyVersion, definition: Definition, language: str, slug: str
) -> ResponseReturnValue:
    submission = submission_from(form, version, definition, language)
    known = find_response(submission.uuid)
    if known is not None and resubmission.is_own(known):  # a double tap: the receipt it already has
        resubmission.remember_sent(slug, known, _as_sent(submission))
        return redirect(url_for("public.thanks", slug=slug))
    if known is not None:  # another browser's id, or a stale page: these answers are a new response
        submission = replace(submission, uuid=str(uuidlib.uuid4()))
    if not form.repeat.data and resubmission.is_repeat(slug, _as_sent(submission)):
        form.repeat.data = "1"  # the same answers again: stored only if the resident says so
        return _form_page(form, definition, language, page=LAST_PAGE, repeat=True)
    response = record_submission(submission)
    store_media(response, definition, uploads_from(form, definition))
    resubmission.remember_sent(slug, response, _as_sent(submission))
    drafts.drop_draft(slug)
    return redirect(url_for("public.thanks", slug=slug))


def _as_sent(submission: Submission) -> dict[str, object]:
    """The answers as a resend is told by: each instance's too, named repeat.n.question as no question can be."""
    return dict(submission.answers) | {
        f"{repeat}.{number}.{question}": value
        for repeat, instances in submission.instances.items()
        for number, answers in enumerate(instances, start=1)
        for question, value in answers.items()
    }


def _changed_instances(definition: Definition, language: str, posted: MultiDict[str, str], step: str) -> str:
    """The form with an instance added or removed, or as many as the answers say: at the page of the
    instance added (the pages may have moved around it), else at the same page."""
    form = build_form(definition, language, list_sites(), posted)
    clear_errors(form)
    page: int | str = request.form.get("page", "1")
    if added := added_instance(definition, form.instance_counts, step):
        page = page_of_question(split_pages(form_items(form, definition, language)), added)
    return _form_page(form, definition, language, page=page)


def _turned_page(form: FlaskForm, definition: Definition, language: str, slug: str, step: str) -> str:
    """Without JavaScript: check the page being left (going forward), then show the next one that applies."""
    pages = split_pages(form_items(form, definition, language))
    current = posted_page(request.form.get("page"), pages)
    if step == "back" or keep_page_errors(form, pages[current - 1]):
        clear_errors(form)
        current = turn_page(pages, current, step == "next", relevant_pages(pages, definition, form))
    if "csrf_token" not in form.errors:
        drafts.save_draft(slug, definition.version, carried_answers(request.form), current)
    return _form_page(form, definition, language, page=current)


def _review_page(form: FlaskForm, definition: Definition, language: str) -> str:
    pages = split_pages(form_items(form, definition, language))
    return render_template(
        "public/review.html",
        form=form,
        definition=definition,
        rows=review_rows(form, definition, answers_from(form, definition), language),
        carried=carried_answers(request.form),
        row_pages={name: page_of_question(pages, name) for page in pages for name in page.questions},  # "Change"
    )


def _collects(person: Any) -> bool:
    """Whether a person signed in collects surveys (a field worker, an administrator): they may see
    the rows of the data files sent with a form, as their tablets do."""
    return bool(person.is_authenticated and person.has_role(Role.FIELD_WORKER, Role.ADMIN))


def _form_page(
    form: FlaskForm,
    definition: Definition,
    language: str,
    *,
    page: int | str = 1,
    repeat: bool = False,
    draft: drafts.Draft | None = None,
) -> str:
    fill_outputs(form)
    items = form_items(form, definition, language)
    pages = split_pages(items)
    current = LAST_PAGE if page == LAST_PAGE else posted_page(page, pages)
    if form.errors:  # open the form where the first problem is
        current = first_error_page(form, pages) or posted_page(request.form.get("page"), pages)
    return render_template(
        "public/survey.html",
        form=form,
        definition=definition,
        items=items,
        pages=pages,
        current_page=len(pages) if current == LAST_PAGE else current,
        draft=draft,
        repeat=repeat,
        shown_answers=form.answers,  # written into notes and titles for a page without JavaScript
        tables=tables_attribute(definition, language, with_files=_collects(current_user)),
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
