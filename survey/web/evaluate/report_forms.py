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
from survey.services.summaries import SummaryFilters
from survey.web.evaluate.forms import SummaryFilterForm

A4, LETTER = "a4", "letter"


class ReportFilterForm(SummaryFilterForm):
    """The summary's filters, and the paper the report is printed on."""

    paper = SelectField(
        _l("Paper"),
        choices=[SelectChoice(A4, "A4"), SelectChoice(LETTER, _l("Letter"))],
        validators=[Optional()],
    )

    def filters(self) -> SummaryFilters:
        """The filters chosen; none when the form does not validate."""
        if not self.validate():
            return SummaryFilters()
        month_from, month_to = self.months()
        site = int(self.site.data) if self.site.data else None
        return SummaryFilters(site, month_from, month_to, by_site=self.by.data == "site")

    def site_name(self) -> str | None:
        """The name of the site chosen, if one was."""
        return next((c.label for c in self.site.choices if c.value and c.value == self.site.data), None)

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
