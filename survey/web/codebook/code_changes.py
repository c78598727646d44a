"""Administrator views that reshape the codebook: merge a code into another, split one, read its versions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from survey.extensions import db
from survey.models import Code, CodebookVersion
from survey.services.codes import (
    add_code,
    key_taken,
    list_versions,
    merge_code,
    merge_targets,
    passages_of,
    split_code,
)
from survey.services.coding import code_labels
from survey.web.codebook import bp
from survey.web.codebook.codes import CodeNameForm

KEEP = ""


class MergeForm(FlaskForm):
    """The code to merge into."""

    target = SelectField(_l("Merge into"), validators=[DataRequired()])


class SplitOffForm(CodeNameForm):
    """A new code split off from another: its key and names."""


class MovePassagesForm(FlaskForm):
    """One choice per passage, read from the posted "move-<id>" fields: the CSRF token is the form's own field."""


def _choices(code: Code) -> list[SelectChoice]:
    labels = code_labels(str(get_locale() or "en"))
    return [SelectChoice(key, f"{labels.get(key, key)} ({key})") for key in merge_targets(code)]


@bp.route("/codes/<int:code_id>/merge", methods=["GET", "POST"])
def merge(code_id: int) -> ResponseReturnValue:
    """Merge a code into another: its passages, decisions and memos move, and it is retired."""
    code = db.get_or_404(Code, code_id)
    form = MergeForm()
    form.target.choices = _choices(code)
    if not code.retired and form.validate_on_submit():
        moved = merge_code(code, str(form.target.data), current_user)
        flash(
            ngettext(
                "Merged %(key)s into %(target)s: %(num)d passage moved.",
                "Merged %(key)s into %(target)s: %(num)d passages moved.",
                key=code.key,
                target=form.target.data,
                num=moved,
            ),
            "info",
        )
        return redirect(url_for("codebook.codes"))
    return render_template("admin/code_merge.html", code=code, form=form)


@bp.route("/codes/<int:code_id>/split", methods=["GET", "POST"])
def split(code_id: int) -> ResponseReturnValue:
    """Split a code: add the codes it splits into, then choose for each of its passages where it goes."""
    code = db.get_or_404(Code, code_id)
    form = MovePassagesForm()
    targets = {c.value for c in _choices(code)}
    if form.validate_on_submit():
        moves = {
            int(name[5:]): value
            for name, value in request.form.items()
            if name.startswith("move-") and name[5:].isdigit() and value in targets
        }
        moved = split_code(code, moves, current_user)
        flash(
            ngettext(
                "Moved %(num)d passage of %(key)s.", "Moved %(num)d passages of %(key)s.", num=moved, key=code.key
            ),
            "info",
        )
        return redirect(url_for("codebook.split", code_id=code.id))
    return _split_page(code, SplitOffForm(formdata=None))


@bp.post("/codes/<int:code_id>/split/new")
def split_off(code_id: int) -> ResponseReturnValue:
    """Add a code split off from another, to move some of its passages to."""
    code = db.get_or_404(Code, code_id)
    form = SplitOffForm()
    if form.validate_on_submit():
        key = str(form.key.data)
        if key_taken(key):
            form.key.errors = [_("A theme or another code already has this key.")]
        else:
            fields = {"label_en": str(form.label_en.data).strip(), "label_es": str(form.label_es.data or "").strip()}
            add_code(key, fields | {"parent_theme": code.parent_theme}, current_user, split_from=code.key)
            flash(_("Added the code %(key)s.", key=key), "info")
            return redirect(url_for("codebook.split", code_id=code.id))
    return _split_page(code, form), 400


def _split_page(code: Code, new_form: SplitOffForm) -> str:
    passages = passages_of(code)
    return render_template(
        "admin/code_split.html",
        code=code,
        new_form=new_form,
        move_form=MovePassagesForm(formdata=None),
        passages=passages,
        choices=[SelectChoice(KEEP, _("Keep it as %(key)s", key=code.key)), *_choices(code)],
    )


def version_summary(version: CodebookVersion) -> str:
    """What a version of the codebook changed, said in the reader's language."""
    key, details = version.code_key, version.details or {}
    summaries = {
        "add": lambda: _("Added the code %(key)s.", key=key),
        "rename": lambda: _("Renamed the code %(key)s.", key=key),
        "describe": lambda: _(
            "Described the code %(key)s anew (%(fields)s).", key=key, fields=", ".join(details.get("fields", []))
        ),
        "retire": lambda: _("Retired the code %(key)s.", key=key),
        "reinstate": lambda: _("Offered the code %(key)s again.", key=key),
        "merge": lambda: ngettext(
            "Merged %(key)s into %(target)s: %(num)d passage moved.",
            "Merged %(key)s into %(target)s: %(num)d passages moved.",
            key=key,
            target=details.get("into", ""),
            num=int(details.get("passages", 0)),
        ),
        "split_add": lambda: _("Added the code %(new)s, split off from %(key)s.", new=details.get("new", ""), key=key),
        "terms": lambda: _(
            "Terms of %(key)s: +%(added)d −%(removed)d.",
            key=key,
            added=len(details.get("added", [])),
            removed=len(details.get("removed", [])),
        ),
        "split": lambda: _(
            "Split %(key)s: %(moves)s.",
            key=key,
            moves=", ".join(f"{n} → {t}" for t, n in details.get("moved", {}).items()),
        ),
    }
    return summaries[version.change]() if version.change in summaries else version.change


@bp.get("/codes/history")
def code_history() -> ResponseReturnValue:
    """Every version of the codebook: who changed what, and when."""
    return render_template("admin/code_history.html", versions=list_versions(), summary=version_summary)
