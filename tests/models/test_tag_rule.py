"""Which tags count: the Python reading (a testimony's page) and the SQL reading (the summary) agree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey.models import TagSource, Testimonial, ThemeTag
from survey.models.tag_rule import counted, counted_clause
from survey.questionnaire import parse_definition
from survey.services.rollups import settle_rollups
from survey.services.summaries import SummaryFilters, summarise_survey

MACHINE, HUMAN = TagSource.MACHINE, TagSource.HUMAN
# "drug_use" and "drugXuse.needles": LIKE would read the underscore as any character.
THEMES = ("safety", "safety.violence", "safety.gangs", "services", "services.health", "drug_use", "drugXuse.needles")


@dataclass(frozen=True)
class Tag:
    theme: str
    source: TagSource
    confidence: float = 1.0


def _themes(tags: list[Tag]) -> set[str]:
    return {t.theme for t in counted(tags)}


def test_a_rejected_parent_removes_the_machines_sub_themes():
    tags = [Tag("safety", MACHINE), Tag("safety.violence", MACHINE), Tag("safety", HUMAN, 0.0)]
    assert _themes(tags) == set()


def test_a_confirmed_parent_keeps_the_machines_sub_themes():
    tags = [Tag("safety", MACHINE), Tag("safety.violence", MACHINE), Tag("safety", HUMAN, 1.0)]
    assert _themes(tags) == {"safety", "safety.violence"}


def test_a_persons_yes_on_a_sub_theme_counts_even_under_a_rejected_parent():
    tags = [Tag("safety", HUMAN, 0.0), Tag("safety.violence", HUMAN, 1.0), Tag("safety.gangs", MACHINE)]
    assert _themes(tags) == {"safety.violence"}


def test_a_rejection_reaches_only_its_own_sub_themes():
    tags = [Tag("drug_use", HUMAN, 0.0), Tag("drugXuse.needles", MACHINE), Tag("drug_use.needles", MACHINE)]
    assert _themes(tags) == {"drugXuse.needles"}


# Per theme on a testimony: whether the machine tagged it, and a person's decision (None: none).
DECISIONS = st.fixed_dictionaries(
    {theme: st.tuples(st.booleans(), st.sampled_from([None, True, False])) for theme in THEMES}
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(per_testimony=st.lists(DECISIONS, min_size=4, max_size=4))
def test_the_summary_and_the_page_count_the_same_tags(per_testimony, make_response, example_survey, db):
    testimonials = db.session.scalars(select(Testimonial).order_by(Testimonial.id)).all()
    while len(testimonials) < len(per_testimony):
        make_response(what_would_help="")
        testimonials = db.session.scalars(select(Testimonial).order_by(Testimonial.id)).all()
    for tag in db.session.scalars(select(ThemeTag)):
        db.session.delete(tag)
    db.session.flush()
    for testimonial, decisions in zip(testimonials, per_testimony, strict=False):
        for theme, (machine, person) in decisions.items():
            if machine:
                db.session.add(ThemeTag(testimonial_id=testimonial.id, theme=theme, source=MACHINE, polarity=0.1))
            if person is not None:
                confidence = 1.0 if person else 0.0
                db.session.add(
                    ThemeTag(testimonial_id=testimonial.id, theme=theme, source=HUMAN, confidence=confidence)
                )
    db.session.flush()
    db.session.expire_all()

    in_sql = Counter(
        db.session.execute(select(ThemeTag.testimonial_id, ThemeTag.theme).where(counted_clause(ThemeTag)))
    )
    on_pages = Counter((t.id, tag.theme) for t in testimonials for tag in t.effective_tags)
    assert in_sql == on_pages
    settle_rollups()  # sets the `counts` stored on each tag, as a commit would
    stored = Counter(db.session.execute(select(ThemeTag.testimonial_id, ThemeTag.theme).where(ThemeTag.counts)))
    assert stored == on_pages

    summary = summarise_survey(
        example_survey.survey, parse_definition(example_survey.definition), SummaryFilters(), min_group=1
    )
    per_theme = Counter(theme for _, theme in on_pages if "." not in theme)
    assert {row.key: row.count for row in summary.themes} == per_theme
