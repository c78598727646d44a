"""Forms of agreement rounds: draw a round, record the agreed version of a disagreement, close a round."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from survey.web.evaluate.forms import MultiCheckboxField


class RoundForm(FlaskForm):
    """A round's name, survey, sample size and coders, and whether the coders see the machine's tags."""

    name = StringField(_l("Name of the round"), validators=[DataRequired(), Length(max=120)])
    survey = SelectField(_l("Testimonies of the survey"), validators=[DataRequired()])
    size = IntegerField(
        _l("Sample size"),
        description=_l("Testimonies drawn at random, in proportion to each site's share, at least one per site."),
        validators=[InputRequired(), NumberRange(min=1, max=1000)],
        default=20,
    )
    coders = MultiCheckboxField(_l("Coders (two or more evaluators)"))
    hide_machine = BooleanField(_l("Hide the machine's tags from the coders while the round is open"))

    def validate_coders(self, field: MultiCheckboxField) -> None:
        """Two coders at least: agreement needs someone to agree with."""
        if len(set(field.data or [])) < 2:
            raise ValidationError(_l("Choose at least two coders."))


class DecisionForm(FlaskForm):
    """The agreed version of a code on a testimony of the round."""

    item = HiddenField(validators=[DataRequired()])
    code = HiddenField(validators=[DataRequired(), Length(max=80)])
    present = RadioField(
        _l("Agreed version"),
        choices=[SelectChoice("yes", _l("the code applies")), SelectChoice("no", _l("the code does not apply"))],
        validators=[InputRequired(_l("Choose whether the code applies."))],
    )


class CloseRoundForm(FlaskForm):
    """Close a round: a button and its CSRF token."""
