"""Administrator forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, MultipleFileField
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from survey.services.transcripts import TRANSCRIPT_MAX_CHARS


class QueueFileForm(FlaskForm):
    """A queue file saved by a tablet."""

    file = FileField(
        _l("Queue file (.json) saved on a tablet"),
        validators=[
            FileRequired(_l("Choose the file the tablet saved.")),
            FileAllowed(["json"], _l("The file must end in .json.")),
        ],
    )


class SurveyUploadForm(FlaskForm):
    """An XLSForm workbook or a YAML survey to import as a new version."""

    file = FileField(
        _l("Survey file (XLSForm .xlsx or .yaml)"),
        validators=[
            FileRequired(_l("Choose the survey file.")),
            FileAllowed(["xlsx", "yaml", "yml"], _l("Send an XLSForm workbook (.xlsx) or a YAML file (.yaml).")),
        ],
    )
    choice_files = MultipleFileField(
        _l("Choice lists and data (CSV)"),
        description=_l(
            "The CSV files the form's select_one_from_file rows, pulldata() and instance() name, if it has any."
        ),
        validators=[FileAllowed(["csv"], _l("Send the choice lists and data as CSV files (.csv)."))],
    )
    publish = BooleanField(_l("Publish it now (residents answer this version from now on)"))


class ConfirmWithdrawalForm(FlaskForm):
    """A deliberate confirmation: deleting a resident's response cannot be undone."""

    understood = BooleanField(
        _l("I understand that this deletes the response and everything made from it, and cannot be undone."),
        validators=[InputRequired(_l("Tick the box to confirm that the response is to be deleted."))],
    )


class RerunForm(FlaskForm):
    """Start a rerun of the analysis as a job."""

    survey = SelectField(_l("Testimonies of"), default="")
    everything = BooleanField(_l("Every testimony, not only those an older analyser or codebook produced"))


class TranscriptForm(FlaskForm):
    """What a recorded testimony says, typed out by an administrator."""

    text = TextAreaField(
        _l("Transcript"),
        description=_l("Type what the resident says, in their words. It is analysed as a typed testimony."),
        validators=[
            DataRequired(_l("Type what the recording says.")),
            Length(max=TRANSCRIPT_MAX_CHARS, message=_l("A transcript holds at most %(max)d characters.")),
        ],
        filters=[lambda typed: typed.strip() if isinstance(typed, str) else typed],  # spaces alone say nothing
        render_kw={"rows": 12},
    )
