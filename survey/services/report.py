"""A survey's printable report for donors: how it was made, the summary's figures, and pinned quotes.

Only testimonies whose consent allows publication are pinned or shown, and only those of the groups
the summary shows: a quote never comes from a group too small to count on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from survey.analysis.pipeline import ANALYSER_VERSION
from survey.extensions import db
from survey.models import ConsentScope, ReportPin, Response, Survey, SurveyVersion, Testimonial, User
from survey.models.base import utcnow
from survey.models.testimonial import PENDING
from survey.questionnaire import Definition
from survey.services.audit import record_event
from survey.services.engine import current_engine
from survey.services.summaries import Summary, SummaryFilters, shown_in, summarise_survey

PUBLISHABLE = frozenset({ConsentScope.QUOTE, ConsentScope.QUOTE_ANONYMOUS})


class PinError(ValueError):
    """A pin the testimony does not allow: its consent keeps it internal, or the theme is not one of its own."""


@dataclass(frozen=True)
class ThemeQuotes:
    """The quotes pinned to one theme that the report may show, and how many it leaves out and why."""

    key: str
    quotes: list[Testimonial]
    withheld_consent: int = 0  # the respondent did not allow publication
    withheld_group: int = 0  # from a group too small to show, or outside the filters


@dataclass(frozen=True)
class Method:
    """How the figures were made: which versions, when, and which analyser read the texts."""

    versions: list[SurveyVersion]
    first_month: str | None
    last_month: str | None
    analysers: list[tuple[str, str]]  # (analyser version, codebook version) of the texts analysed
    analyser_now: str
    codebook_now: str
    pending: bool  # some texts are not analysed yet


@dataclass
class Report:
    """What the printable report shows."""

    summary: Summary
    method: Method
    themes: list[ThemeQuotes] = field(default_factory=list)
    made_at: datetime = field(default_factory=utcnow)

    @property
    def not_scored(self) -> int:
        """How many texts the sentiment analysis did not score, whatever the reason."""
        return sum(n for _, n in self.summary.not_scored)


def may_pin(testimonial: Testimonial) -> bool:
    """Whether the respondent's consent allows the testimony to be quoted in a published report."""
    return testimonial.response.consent_scope in PUBLISHABLE


def pinnable_themes(testimonial: Testimonial) -> list[str]:
    """The themes that count on the testimony, which it can be pinned to."""
    return [tag.theme for tag in testimonial.effective_tags]


def pinned_themes(testimonial: Testimonial) -> list[str]:
    """The themes the testimony is pinned to, in order."""
    query = select(ReportPin.theme).where(ReportPin.testimonial_id == testimonial.id).order_by(ReportPin.theme)
    return list(db.session.scalars(query))


def _pin_of(testimonial: Testimonial, theme: str) -> ReportPin | None:
    query = select(ReportPin).where(ReportPin.testimonial_id == testimonial.id, ReportPin.theme == theme)
    return db.session.scalar(query)


def pin_quote(testimonial: Testimonial, theme: str, person: User) -> ReportPin:
    """Pin a testimony to one of its themes in its survey's report; pinning it again changes nothing."""
    if not may_pin(testimonial) or theme not in pinnable_themes(testimonial):
        raise PinError(theme)
    existing = _pin_of(testimonial, theme)
    if existing is not None:
        return existing
    survey_id = testimonial.response.survey_version.survey_id
    pin = ReportPin(survey_id=survey_id, testimonial_id=testimonial.id, theme=theme, pinned_by_id=person.id)
    try:
        with db.session.begin_nested():
            db.session.add(pin)
    except IntegrityError:  # a double click: the other request pinned it meanwhile
        existing = _pin_of(testimonial, theme)
        if existing is None:
            raise
        return existing
    record_event("pin_quote", actor=person, target_type="testimonial", target_id=testimonial.id, theme=theme)
    return pin


def unpin_quote(testimonial: Testimonial, theme: str, person: User) -> bool:
    """Take a testimony off a theme of the report; False when it was not pinned there."""
    pin = _pin_of(testimonial, theme)
    if pin is None:
        return False
    db.session.delete(pin)
    record_event("unpin_quote", actor=person, target_type="testimonial", target_id=testimonial.id, theme=theme)
    db.session.flush()
    return True


def build_report(
    survey: Survey, definition: Definition, filters: SummaryFilters, *, min_group: int, block: int = 0
) -> Report:
    """The report of a survey under the summary's filters, with its method and the quotes pinned per theme."""
    summary = summarise_survey(survey, definition, filters, min_group=min_group, block=block, quotes=0)
    # The months the counted responses were sent in: a month merged into the next by the small-group
    # rule is charted under the later one, but its responses are in the report all the same.
    months = sorted({month for span in summary.spans.values() for month in span} | {m for m, _ in summary.by_month})
    report = Report(summary, _method(survey, months))
    if not summary.suppressed:
        report.themes = _pinned_by_theme(survey, summary)
    return report


def _method(survey: Survey, months: list[str]) -> Method:
    answered = select(Response.id).where(Response.survey_version_id == SurveyVersion.id).exists()
    versions = db.session.scalars(
        select(SurveyVersion).where(SurveyVersion.survey_id == survey.id, answered).order_by(SurveyVersion.id)
    )
    analysed = (
        select(Testimonial.analyser_version, Testimonial.codebook_version)
        .join(Response)
        .join(SurveyVersion)
        .where(SurveyVersion.survey_id == survey.id)
        .distinct()
        .order_by(Testimonial.analyser_version, Testimonial.codebook_version)
    )
    pairs = [(a, c) for a, c in db.session.execute(analysed)]
    engine = current_engine()
    return Method(
        versions=list(versions),
        first_month=months[0] if months else None,
        last_month=months[-1] if months else None,
        analysers=[(a, c) for a, c in pairs if a != PENDING],
        analyser_now=ANALYSER_VERSION,
        codebook_now=engine.codebook_version,
        pending=any(a == PENDING for a, _ in pairs),
    )


def _pinned_by_theme(survey: Survey, summary: Summary) -> list[ThemeQuotes]:
    """Per theme (in the summary's order, then the others), its pinned quotes that may be shown."""
    pins = [
        pin
        for pin in db.session.scalars(
            select(ReportPin)
            .join(Testimonial)
            .join(Response)
            .where(ReportPin.survey_id == survey.id)
            .options(
                selectinload(ReportPin.testimonial).selectinload(Testimonial.response).selectinload(Response.site),
                selectinload(ReportPin.testimonial).selectinload(Testimonial.tags),
            )
            .order_by(ReportPin.theme, Response.submitted_at, ReportPin.id)
        )
        if pin.theme in pinnable_themes(pin.testimonial)  # a person took the theme off it since: not about it now
    ]
    ids = [pin.testimonial_id for pin in pins]
    in_view = select(Testimonial.id).join(Response).where(Testimonial.id.in_(ids), shown_in(summary.spans))
    shown = set(db.session.scalars(in_view))
    order = [row.key for row in summary.themes]
    keys = sorted({pin.theme for pin in pins}, key=lambda k: (order.index(k) if k in order else len(order), k))
    themes = []
    for key in keys:
        quotes, consent, group = [], 0, 0
        for pin in (p for p in pins if p.theme == key):
            if pin.testimonial_id not in shown:  # checked first: nothing is said of a group too small to show
                group += 1
            elif not may_pin(pin.testimonial):
                consent += 1
            else:
                quotes.append(pin.testimonial)
        themes.append(ThemeQuotes(key, quotes, consent, group))
    return themes
