"""Administrator views for the team's codes: add, rename, describe, retire."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from survey.extensions import db
from survey.models import Code
from survey.services.codes import DESCRIBED, add_code, current_version, key_taken, list_codes, update_code
from survey.services.engine import codebook
from survey.web.codebook import bp


class CodeNameForm(FlaskForm):
    """A new code's key and its names in English and Spanish."""

    key = StringField(
        _l("Key"),
        description=_l("Lower-case letters, digits and underscores, e.g. street_lighting. It cannot change later."),
        validators=[DataRequired(), Length(max=80), Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Use a-z, 0-9 and _."))],
    )
    label_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    label_es = StringField(_l("Name (Spanish)"), validators=[Optional(), Length(max=120)])


class CodeForm(CodeNameForm):
    """A code's key (when new), labels and descriptions in English and Spanish, parent theme, retirement."""

    definition_en = TextAreaField(_l("Definition (English)"))
    definition_es = TextAreaField(_l("Definition (Spanish)"))
    when_to_use_en = TextAreaField(_l("When to use it (English)"))
    when_to_use_es = TextAreaField(_l("When to use it (Spanish)"))
    when_not_en = TextAreaField(_l("When not to use it (English)"))
    when_not_es = TextAreaField(_l("When not to use it (Spanish)"))
    example_en = TextAreaField(_l("Example (English)"))
    example_es = TextAreaField(_l("Example (Spanish)"))
    parent_theme = SelectField(_l("Under the theme"), validators=[Optional()])
    retired = BooleanField(_l("Retired: no longer offered (passages coded with it keep it)"))

    def fields(self) -> dict[str, Any]:
        """What was typed, trimmed; no parent theme as None."""
        found = {name: self[name].data for name in DESCRIBED}
        found = {k: v.strip() if isinstance(v, str) else v for k, v in found.items()}
        found["parent_theme"] = found["parent_theme"] or None
        return found


def _form(code: Code | None = None) -> CodeForm:
    form = CodeForm(obj=code)
    language = str(get_locale() or "en")
    form.parent_theme.choices = [SelectChoice("", _l("None"))] + [
        SelectChoice(t.key, t.label_in(language)) for t in codebook().top_level
    ]
    if code is not None:
        form.key.data = code.key
        if not form.is_submitted():
            form.parent_theme.data = code.parent_theme or ""
    return form


@bp.route("/codes", methods=["GET", "POST"])
def codes() -> ResponseReturnValue:
    """The team's codes, and the form to add one."""
    form = _form()
    if form.validate_on_submit():
        key = str(form.key.data)
        if key_taken(key):
            form.key.errors = [_("A theme or another code already has this key.")]
        else:
            add_code(key, form.fields(), current_user)
            flash(_("Added the code %(key)s.", key=key), "info")
            return redirect(url_for("codebook.codes"))
    return render_template(
        "admin/codes.html", form=form, codes=list_codes(), codebook=codebook(), version=current_version()
    )


@bp.route("/codes/<int:code_id>/edit", methods=["GET", "POST"])
def edit_code(code_id: int) -> ResponseReturnValue:
    """Rename, describe or retire a code; its key stays, since coded passages name it."""
    code = db.get_or_404(Code, code_id)
    form = _form(code)
    if form.validate_on_submit():
        update_code(code, form.fields(), current_user)
        flash(_("Saved the code %(key)s.", key=code.key), "info")
        return redirect(url_for("codebook.codes"))
    return render_template("admin/code_edit.html", form=form, code=code)
