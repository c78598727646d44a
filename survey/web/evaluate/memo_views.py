"""Memos on a survey: listed and searched, written, edited and deleted by their author."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from survey.models import Memo, Survey
from survey.services.blindness import blindfold_of
from survey.services.coding import code_choices, code_labels
from survey.services.memos import (
    PROJECT,
    MemoError,
    delete_memo,
    edit_memo,
    list_memos,
    may_change,
    memo_of,
    write_memo,
)
from survey.services.surveys import get_survey
from survey.web.evaluate import bp
from survey.web.evaluate.forms import MemoForm, MemoSearchForm, RemovePassageForm


def _survey(slug: str) -> Survey:
    survey = get_survey(slug)
    if survey is None:
        abort(404)
    return survey


def memo_form(extra: list[SelectChoice] | None = None) -> MemoForm:
    """The form to write a memo on the project, a code, or what the page adds (a testimony, its passages)."""
    form = MemoForm()
    language = str(get_locale() or "en")
    codes = [SelectChoice(f"code:{c.key}", _("Code: %(code)s", code=c.label)) for c in code_choices(language)]
    form.about.choices = [SelectChoice(PROJECT, _("The project as a whole")), *(extra or []), *codes]
    if extra:
        form.about.data = extra[0].value  # on a testimony's page, a memo is first of all about it
    return form


def _memo(slug: str, memo_id: int) -> Memo:
    memo = memo_of(memo_id, slug)
    if memo is None:
        abort(404)
    if not may_change(memo, current_user):
        abort(403)
    return memo


@bp.get("/<slug>/memos")
def memos(slug: str) -> ResponseReturnValue:
    """A survey's memos, searchable, with the form to write one."""
    survey = _survey(slug)
    search = MemoSearchForm(request.args)
    words = search.q.data if search.validate() and search.q.data else ""
    return render_template(
        "evaluate/memos.html",
        survey=survey,
        slug=slug,
        search=search,
        memos=list_memos(survey, words, blindfold=blindfold_of(current_user)),
        form=memo_form(),
        code_labels=code_labels(str(get_locale() or "en")),
        may_change=may_change,
        delete_form=RemovePassageForm(formdata=None),
    )


@bp.post("/<slug>/memos")
def write(slug: str) -> ResponseReturnValue:
    """Write a memo; back to where it was written from."""
    survey = _survey(slug)
    form = MemoForm()
    about = request.form.get("about", PROJECT)
    form.about.choices = [SelectChoice(about, about)]  # write_memo checks it belongs to the survey
    if form.validate_on_submit() and form.body.data:
        try:
            write_memo(survey, about, form.body.data, current_user)
        except MemoError:
            abort(400)
        flash(_("Your memo is saved."), "info")
    else:
        flash(_("Write the memo before saving it."), "error")
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/evaluate/") else url_for("evaluate.memos", slug=slug))


@bp.route("/<slug>/memos/<int:memo_id>/edit", methods=["GET", "POST"])
def edit(slug: str, memo_id: int) -> ResponseReturnValue:
    """Edit a memo: its author only."""
    memo = _memo(slug, memo_id)
    form = MemoForm(obj=memo)
    form.about.choices = [SelectChoice(PROJECT, "")]
    form.about.data = PROJECT
    if form.validate_on_submit() and form.body.data:
        edit_memo(memo, form.body.data, current_user)
        flash(_("Your memo is saved."), "info")
        return redirect(url_for("evaluate.memos", slug=slug))
    return render_template("evaluate/memo_edit.html", memo=memo, form=form, slug=slug)


@bp.post("/<slug>/memos/<int:memo_id>/delete")
def delete(slug: str, memo_id: int) -> ResponseReturnValue:
    """Delete a memo: its author only."""
    memo = _memo(slug, memo_id)
    if RemovePassageForm().validate_on_submit():
        delete_memo(memo, current_user)
        flash(_("The memo is deleted."), "info")
    return redirect(url_for("evaluate.memos", slug=slug))
