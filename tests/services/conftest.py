"""Builders for the services' tests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import Role, Testimonial
from survey.services.codes import add_code
from survey.services.coding import code_passage
from survey.services.memos import write_memo

NAMED = "Carlos Ramírez told me the clinic closed and the shootings came back."


@pytest.fixture
def coded(db, make_user, make_response):
    """Five responses, one naming a person; passages coded by two people, memos on each kind of thing."""
    for n in range(4):
        make_response(change_story=f"The clinic closed, ward {n}.", what_would_help="More buses.")
    make_response(change_story=NAMED, what_would_help="")
    alice, bob = make_user(Role.EVALUATOR, "alice@voces.example"), make_user(Role.ADMIN, "bob@voces.example")
    add_code("street_lighting", {"label_en": "Street lighting", "label_es": "Alumbrado"}, bob)
    named = db.session.scalars(select(Testimonial).where(Testimonial.raw_text == NAMED)).one()
    text = named.redacted_text
    start = text.index("the clinic")
    code_passage(named, ["services", "street_lighting"], start, start + len("the clinic closed"), alice)
    code_passage(named, ["safety"], text.index("shootings"), len(text), bob)
    survey = named.response.survey_version.survey
    write_memo(survey, "project", "Overall: clinics matter.", alice)
    write_memo(survey, f"testimony:{named.id}", "Names a person.", bob)
    write_memo(survey, f"passage:{named.passages[0].id}", "Clinic passage.", alice)
    write_memo(survey, "code:street_lighting", "Lights at night.", bob)
    db.session.commit()
    return survey, named, alice
