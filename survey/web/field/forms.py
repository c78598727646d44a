"""Field worker forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length


class CollectTabletForm(FlaskForm):
    """A tablet to set up with ODK Collect or KoboCollect."""

    name = StringField(
        _l("Tablet name"),
        description=_l("So that an administrator can tell your tablets apart, e.g. Tablet 3, Tumaco."),
        validators=[InputRequired(_l("Name the tablet.")), Length(max=120)],
    )
