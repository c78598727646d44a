"""A repeat's answers read back: exported one row per instance, and shown beside the response's testimony."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey.models import Response, Role, Testimonial
from survey.services.surveys import import_survey
from tests.web.test_repeats import HOUSEHOLD, post


@pytest.fixture
def household(db):
    version = import_survey(HOUSEHOLD, publish=True)
    db.session.commit()
    return version


def test_exports_carry_each_instance_in_a_table_of_its_own_joined_by_the_response(
    client, household, make_user, login, db
):
    for n in range(6):
        fields = {
            "q_member_name.1": f"Ana {n}",
            "q_member_age.1": "40",
            "q_member_name.2": "Luis",
            "q_member_age.2": "9",
        }
        assert post(client, q_village=f"Village {n}", r_member="2", **fields).status_code == 302
    evaluator = login(make_user(Role.EVALUATOR))
    rows = list(csv.reader(io.StringIO(evaluator.get("/evaluate/household/export.csv?table=repeats").get_data(True))))
    assert rows[0] == [
        "_response_id",
        "_repeat",
        "_index",
        "_parent_repeat",
        "_parent_index",
        "member_name",
        "member_age",
        "member_number",
    ]
    ids = db.session.scalars(select(Response.id).order_by(Response.id)).all()
    # a free text is redacted as the response's own texts are: names leave as [name]
    assert len(rows) == 13 and rows[1] == [str(ids[0]), "member", "1", "", "", "[name] 0", "40.0", "1"]
    assert rows[2][:6] == [str(ids[0]), "member", "2", "", "", "[name]"]
    responses = list(csv.DictReader(io.StringIO(evaluator.get("/evaluate/household/export.csv").get_data(True))))
    assert "member_name" not in responses[0] and responses[0]["village"] == "Village 0"
    book = load_workbook(io.BytesIO(evaluator.get("/evaluate/household/export.xlsx").get_data()), read_only=True)
    assert book.sheetnames == ["responses", "tags", "repeats"]
    assert len(list(book["repeats"].iter_rows(values_only=True))) == 13


def test_the_response_shows_each_instance_beside_its_testimony(client, make_user, login, db):
    told = {**HOUSEHOLD, "form_id": "told", "questions": [*HOUSEHOLD["questions"]]}
    told["questions"].append({"name": "story", "type": "text", "label": "Your story", "testimony": True})
    import_survey(told, publish=True)
    db.session.commit()
    fields = {"q_member_name.1": "Ana", "q_member_age.1": "40", "q_member_age.2": "9", "q_member_name.2": "Luis"}
    assert post(client, "/s/told", q_story="The clinic closed.", r_member="2", **fields).status_code == 302
    testimonial = db.session.scalars(select(Testimonial)).one()
    page = login(make_user(Role.ADMIN)).get(f"/evaluate/told/testimonials/{testimonial.id}").get_data(as_text=True)
    assert "Household member 2: Age" in page and ">9<" in page and 'data-instance="member.1"' in page
