"""Administrators import a REFI-QDA codebook (.qdc) or a project's coding (.qdpx) made in another tool."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from survey.services.refi_import import import_refi
from survey.services.refi_read import MAX_XML, RefiFileError
from survey.services.surveys import get_survey, list_surveys
from survey.web.admin import bp
from survey.web.limits import takes_up_to


class RefiImportForm(FlaskForm):
    """A .qdc or .qdpx file, and the survey whose testimonies a project's coding belongs to."""

    file = FileField(
        _l("REFI-QDA file"),
        description=_l("A codebook (.qdc) or a project (.qdpx) from NVivo, ATLAS.ti, MAXQDA, QualCoder or Voces."),
        validators=[
            FileRequired(_l("Choose the file to import.")),
            FileAllowed(["qdc", "qdpx"], _l("The file must end in .qdc or .qdpx.")),
        ],
    )
    survey = SelectField(_l("Survey (for a project)"))


def _project_limit() -> int:
    return MAX_XML + int(current_app.config["MAX_CONTENT_LENGTH"])  # a project is larger than a form


@bp.route("/refi-qda", methods=["GET", "POST"])
@takes_up_to(_project_limit)
def import_refi_qda() -> ResponseReturnValue:
    """Import codes, and a project's codings and memos on the testimonies that came from Voces."""
    form = RefiImportForm()
    language = str(get_locale() or "en")
    form.survey.choices = [SelectChoice("", _l("None: import the codes only"))] + [
        SelectChoice(s.slug, f"{v.title(language) if v else s.slug} ({s.slug})") for s, v in list_surveys()
    ]
    report, status = None, 200
    if form.validate_on_submit():
        survey = get_survey(form.survey.data) if form.survey.data else None
        try:
            report = import_refi(form.file.data.read(), survey, current_user)
        except RefiFileError as error:
            form.file.errors = [_("The file cannot be imported, nothing was changed: %(reason)s", reason=str(error))]
            status = 400
    return render_template("admin/refi_import.html", form=form, report=report), status
