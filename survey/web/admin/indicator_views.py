"""Administrator views for indicators: import a file of them, list them, delete one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from survey.extensions import db
from survey.models import Indicator
from survey.services.indicator_files import IndicatorFileError, read_indicator_file
from survey.services.indicators import delete_indicator, import_indicator_rows, list_indicators
from survey.services.sites import list_sites
from survey.services.wording import worded
from survey.web.admin import bp


class IndicatorUploadForm(FlaskForm):
    """A CSV file or an Excel workbook of indicators per site and month."""

    file = FileField(
        _l("File of indicators (.csv or .xlsx)"),
        description=_l("Columns indicator, site, month, value (or indicador, sitio, mes, valor); unit is optional."),
        validators=[
            FileRequired(_l("Choose the file of indicators.")),
            FileAllowed(["csv", "xlsx", "xlsm"], _l("Send a CSV file (.csv) or an Excel workbook (.xlsx).")),
        ],
    )


@bp.route("/indicators", methods=["GET", "POST"])
def indicators() -> ResponseReturnValue:
    """Every indicator, and the form to import a file of them: all its rows, or none when one is wrong."""
    form = IndicatorUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or ""
        try:
            rows = read_indicator_file(name, upload.read(), list_sites())
        except IndicatorFileError as error:
            problems = [worded(problem) for problem in error.problems]
            form.file.errors.append(_("Nothing was imported: correct the file and send it again."))
        else:
            done = import_indicator_rows(rows, source=name, actor=current_user)
            flash(
                _(
                    "Imported %(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
                    rows=len(rows),
                    created=done.created,
                    updated=done.updated,
                    unchanged=done.unchanged,
                ),
                "info",
            )
            return redirect(url_for("admin.indicators"))
    listing = list_indicators()
    return render_template("admin/indicators.html", form=form, problems=problems, listing=listing, actions=FlaskForm())


@bp.post("/indicators/<int:indicator_id>/delete")
def remove_indicator(indicator_id: int) -> ResponseReturnValue:
    """Ask first, then delete an indicator with every value of it."""
    indicator = db.get_or_404(Indicator, indicator_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin.indicators"))
    if request.form.get("confirm") != "yes":
        listing = next(item for item in list_indicators() if item.indicator.id == indicator.id)
        return render_template("admin/indicator_delete.html", item=listing, form=form)
    gone = delete_indicator(indicator, current_user)
    flash(_("Deleted %(name)s and its %(n)d values.", name=indicator.name, n=gone), "info")
    return redirect(url_for("admin.indicators"))
