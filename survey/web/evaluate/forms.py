"""The summary's filters."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey.models import Site

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SummaryFilterForm(FlaskForm):
    """Site and date range; sent by GET, so it changes nothing and needs no CSRF token."""

    class Meta:
        csrf = False

    site = SelectField(_l("Site"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def set_sites(self, sites: list[Site]) -> None:
        """Offer every site, plus all of them."""
        self.site.choices = [SelectChoice("", _l("All sites"))] + [
            SelectChoice(str(s.id), s.display_name) for s in sites
        ]

    def validate_date_from(self, field: DateField) -> None:
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(_l("Choose a date between 2000 and 2100."))

    def validate_date_to(self, field: DateField) -> None:
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(_l("Choose a date between 2000 and 2100."))
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


class CorrectThemesForm(FlaskForm):
    """The themes a person says a testimony is about; choices are the codebook's top-level themes."""

    themes = MultiCheckboxField(_l("Themes"), validators=[Optional()])
