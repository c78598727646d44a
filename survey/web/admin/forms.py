"""Administrator forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class QueueFileForm(FlaskForm):
    """A queue file saved by a tablet."""

    file = FileField(
        _l("Queue file (.json) saved on a tablet"),
        validators=[FileRequired(_l("Choose the file the tablet saved.")), FileAllowed(["json"], _l("The file must end in .json."))],
    )
