"""The summary's filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    MonthField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey.models import Site
from survey.services.summaries import SummaryFilters

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
BY_QUESTION = "question:"  # a breakdown by the answers to the question named after it


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SummaryFilterForm(FlaskForm):
    """Site and range of months; sent by GET, so it changes nothing and needs no CSRF token."""

    class Meta:
        csrf = False

    site = SelectField(_l("Site"), validators=[Optional()])
    # A month picker where the browser has one, a text box taking YYYY-MM where it has not.
    month_from = MonthField(
        _l("From month"),
        validators=[Optional()],
        description=_l("Year and month, for example 2026-03."),
        invalid_value_message=_l("Enter the month as year and month, for example 2026-03."),
        render_kw={"placeholder": "YYYY-MM"},
    )
    month_to = MonthField(
        _l("To month"),
        validators=[Optional()],
        description=_l("Year and month, for example 2026-03."),
        invalid_value_message=_l("Enter the month as year and month, for example 2026-03."),
        render_kw={"placeholder": "YYYY-MM"},
    )

    region = SelectField(_l("Region"), validators=[Optional()], description=_l("A site chosen above comes first."))
    by = SelectField(
        _l("Break down by"),
        choices=[SelectChoice("", _l("Nothing")), SelectChoice("site", _l("Site"))],
        validators=[Optional()],
    )

    def set_by_questions(self, questions: Sequence[tuple[str, str]]) -> None:
        """Offer to break every question down by the answers to one of these (name, label), as well as by site."""
        self.by.choices = [SelectChoice("", _l("Nothing")), SelectChoice("site", _l("Site"))] + [
            SelectChoice(BY_QUESTION + name, _l("Answers to “%(question)s”", question=label))
            for name, label in questions
        ]

    def by_question(self) -> str | None:
        """The question chosen to break the others down by, if one was."""
        chosen = self.by.data or ""
        return chosen.removeprefix(BY_QUESTION) if chosen.startswith(BY_QUESTION) else None

    def set_sites(self, sites: list[Site]) -> None:
        """Offer every site, plus all of them, and every region that holds one."""
        self.site.choices = [SelectChoice("", _l("All sites"))] + [
            SelectChoice(str(s.id), s.display_name) for s in sites
        ]
        self.region.choices = region_choices(sites)

    def region_chosen(self) -> tuple[str, str] | None:
        """The region chosen ("CO:Nariño") as its country code and name."""
        return parse_region(self.region.data)

    def validate_month_from(self, field: MonthField) -> None:
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(_l("Choose a month between 2000 and 2100."))

    def validate_month_to(self, field: MonthField) -> None:
        if field.data and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(_l("Choose a month between 2000 and 2100."))
        if field.data and self.month_from.data and field.data < self.month_from.data:
            raise ValidationError(_l("The end month must be on or after the start month."))

    def summary_filters(self) -> SummaryFilters:
        """The summary's filters chosen (the report's too); none when the form does not validate."""
        if not self.validate():
            return SummaryFilters()
        month_from, month_to = self.months()
        return SummaryFilters(
            int(self.site.data) if self.site.data else None,
            month_from,
            month_to,
            by_site=self.by.data == "site",
            by_question=self.by_question(),
            region=self.region_chosen(),
        )

    def months(self) -> tuple[str | None, str | None]:
        """The range of months chosen, as "YYYY-MM"."""
        first, last = self.month_from.data, self.month_to.data
        return (first.strftime("%Y-%m") if first else None, last.strftime("%Y-%m") if last else None)


def region_choices(sites: list[Site]) -> list[SelectChoice]:
    """Every region that holds a site, as "country:region", plus all of them."""
    regions = sorted({(s.country, s.region) for s in sites})
    return [SelectChoice("", _l("All regions"))] + [SelectChoice(f"{c}:{r}", f"{r} ({c})") for c, r in regions]


def parse_region(chosen: str | None) -> tuple[str, str] | None:
    """A region choice ("CO:Nariño") as its country code and name."""
    if not chosen or ":" not in chosen:
        return None
    country, region = chosen.split(":", 1)
    return country, region


class CorrectThemesForm(FlaskForm):
    """The themes a person says a testimony is about; choices are the codebook's top-level themes."""

    themes = MultiCheckboxField(_l("Themes"), validators=[Optional()])


def _month_field(label: str) -> MonthField:
    return MonthField(
        label,
        validators=[InputRequired(message=_l("Choose a month."))],
        description=_l("Year and month, for example 2026-03."),
        invalid_value_message=_l("Enter the month as year and month, for example 2026-03."),
        render_kw={"placeholder": "YYYY-MM"},
    )


class CompareForm(FlaskForm):
    """Two periods to compare, each a range of months; sent by GET, so no CSRF token."""

    class Meta:
        csrf = False

    region = SelectField(_l("Region"), validators=[Optional()], description=_l("Both periods, in its sites only."))
    a_from = _month_field(_l("First period: from"))
    a_to = _month_field(_l("First period: to"))
    b_from = _month_field(_l("Second period: from"))
    b_to = _month_field(_l("Second period: to"))

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Each period runs forwards, within 2000 to 2100, and the two do not overlap."""
        if not super().validate(extra_validators):
            return False
        for first, last in ((self.a_from, self.a_to), (self.b_from, self.b_to)):
            if not all(EARLIEST <= f.data <= LATEST for f in (first, last)):
                first.errors.append(_l("Choose a month between 2000 and 2100."))
                return False
            if last.data < first.data:
                last.errors.append(_l("The end month must be on or after the start month."))
                return False
        if not (self.a_to.data < self.b_from.data or self.b_to.data < self.a_from.data):
            self.b_from.errors.append(_l("The two periods must not overlap: a response is counted in one only."))
            return False
        return True

    def region_chosen(self) -> tuple[str, str] | None:
        """The region chosen, if one was."""
        return parse_region(self.region.data)

    def periods(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """The two periods as ("YYYY-MM", "YYYY-MM")."""
        a = (self.a_from.data.strftime("%Y-%m"), self.a_to.data.strftime("%Y-%m"))
        return a, (self.b_from.data.strftime("%Y-%m"), self.b_to.data.strftime("%Y-%m"))


class CodePassageForm(FlaskForm):
    """Codes for a passage given by its character offsets in the redacted text, or for the whole text."""

    # Not DataRequired: its "required" flag would make the browser demand every checkbox ticked.
    codes = MultiCheckboxField(_l("Codes"), validators=[Optional()])
    start = IntegerField(
        _l("First character"),
        validators=[Optional(), NumberRange(min=0)],
        description=_l("Counted from 0 at the start of the testimony."),
    )
    end = IntegerField(
        _l("Character after the last"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("The passage ends just before this character."),
    )
    whole = BooleanField(_l("Code the whole testimony"))

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Check the fields, then that a passage is given (start before end) unless the whole text is coded."""
        if not super().validate(extra_validators):
            return False
        if not self.codes.data:
            self.codes.errors = [_l("Choose at least one code.")]
            return False
        if self.whole.data:
            return True
        if self.start.data is None or self.end.data is None:
            self.end.errors = [_l("Select a passage, give its first and last characters, or code the whole testimony.")]
            return False
        if self.end.data <= self.start.data:
            self.end.errors = [_l("The passage must end after it starts.")]
            return False
        return True


class RemovePassageForm(FlaskForm):
    """A button that takes a code off a passage; carries only the CSRF token."""


class MemoForm(FlaskForm):
    """A memo's text and what it is about (the survey's project, a testimony, a passage or a code)."""

    about = SelectField(_l("About"), default="project")
    body = TextAreaField(_l("Memo"), validators=[DataRequired(), Length(max=20_000)])


class MemoSearchForm(FlaskForm):
    """Words to look for in memos; sent by GET, so it needs no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Search the memos"), validators=[Optional(), Length(max=200)])


class PrepareExportForm(FlaskForm):
    """An export of the list to prepare in the background: which files, and for whom."""

    file_format = SelectField(
        _l("Format"),
        choices=[SelectChoice("xlsx", _l("workbook (XLSX)")), SelectChoice("csv", _l("CSV files, one per table"))],
        default="xlsx",
    )
    publication = BooleanField(_l("For publication, without internal-only words, interviewers or tablets"))
