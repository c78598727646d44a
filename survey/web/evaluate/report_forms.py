"""Forms of the printable report: its filters and paper, and pinning a testimony to it."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from survey.models import Testimonial
from survey.services.engine import codebook
from survey.services.report import pinnable_themes, pinned_themes
from survey.web.evaluate.forms import SummaryFilterForm

A4, LETTER = "a4", "letter"


class ReportFilterForm(SummaryFilterForm):
    """The summary's filters, and the paper the report is printed on."""

    paper = SelectField(
        _l("Paper"),
        choices=[SelectChoice(A4, "A4"), SelectChoice(LETTER, _l("Letter"))],
        validators=[Optional()],
    )

    def site_name(self) -> str | None:
        """The name of the site chosen, if one was."""
        return next((c.label for c in self.site.choices if c.value and c.value == self.site.data), None)

    def region_name(self) -> str | None:
        """The name of the region chosen, if one was."""
        return next((c.label for c in self.region.choices if c.value and c.value == self.region.data), None)

    def paper_size(self) -> str:
        """A4 unless Letter was chosen."""
        return LETTER if self.paper.data == LETTER else A4


class PinForm(FlaskForm):
    """Pin a testimony to one of its themes in the survey's report, or take it off."""

    theme = SelectField(_l("Theme"), validators=[DataRequired()])


def pin_forms(item: Testimonial) -> tuple[PinForm, PinForm]:
    """The forms to pin a testimony to a theme it is not pinned to yet, and to take it off one."""
    language = str(get_locale() or "en")
    pinned = pinned_themes(item)
    pin = PinForm(formdata=None, prefix="pin")
    pin.theme.choices = [
        SelectChoice(key, codebook().label(key, language)) for key in pinnable_themes(item) if key not in pinned
    ]
    unpin = PinForm(formdata=None)  # one small form per pinned theme, each with the page's token
    unpin.theme.choices = [SelectChoice(key, codebook().label(key, language)) for key in pinned]
    return pin, unpin
