"""A repeat inside a repeat on the resident form: each inner instance named by its path, added, removed, stored."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from sqlalchemy import select

from survey.models import Answer, Response, Role, Testimonial
from survey.services.surveys import import_survey
from tests.conftest import count

URL = "/s/families"
FAMILIES = {
    "form_id": "families",
    "title": {"en": "Families", "es": "Familias"},
    "questions": [
        {"name": "village", "type": "text", "label": {"en": "Village", "es": "Vereda"}},
        {
            "name": "woman",
            "type": "repeat",
            "label": {"en": "Woman", "es": "Mujer"},
            "questions": [
                {"name": "woman_name", "type": "text", "label": {"en": "Name", "es": "Nombre"}},
                {
                    "name": "child",
                    "type": "repeat",
                    "label": {"en": "Child", "es": "Hijo"},
                    "questions": [
                        {
                            "name": "child_name",
                            "type": "text",
                            "label": {"en": "Child's name", "es": "Nombre del hijo"},
                            "required": True,
                        },
                        {"name": "child_number", "type": "calculate", "calculation": "position(..)"},
                    ],
                },
            ],
        },
    ],
}


@pytest.fixture
def families(db):
    version = import_survey(FAMILIES, publish=True)
    db.session.commit()
    return version


def post(client, **fields):
    return client.post(URL, data={"uuid": str(uuid.uuid4()), **fields})


def test_each_outer_instance_opens_its_own_inner_instance_named_by_its_path(client, families):
    html = client.get(URL).get_data(as_text=True)
    assert 'name="q_woman_name.1"' in html and 'name="q_child_name.1.1"' in html
    assert 'name="r_child.1" value="1"' in html and 'value="add:child.1"' in html and 'value="remove:child.1:1"' in html


def test_adding_and_removing_an_inner_instance_without_javascript_touches_only_its_outer_one(client, families):
    typed = {"r_woman": "2", "r_child.1": "1", "r_child.2": "1", "q_woman_name.1": "Ana", "q_woman_name.2": "Eva"}
    typed |= {"q_child_name.1.1": "Leo", "q_child_name.2.1": "Mia"}
    html = post(client, step="add:child.2", **typed).get_data(as_text=True)
    assert 'name="q_child_name.2.2"' in html and 'name="q_child_name.1.2"' not in html and count(Response) == 0
    typed |= {"r_child.2": "2", "q_child_name.2.2": "Noa"}
    html = post(client, step="remove:child.2:1", **typed).get_data(as_text=True)
    assert 'name="q_child_name.2.2"' not in html and 'value="Noa"' in html and 'value="Mia"' not in html
    assert 'value="Leo"' in html  # the first woman's child stays


def test_removing_an_outer_instance_moves_the_later_ones_up_with_their_inner_instances(client, families):
    typed = {"r_woman": "2", "r_child.1": "1", "r_child.2": "2", "q_woman_name.1": "Ana", "q_woman_name.2": "Eva"}
    typed |= {"q_child_name.1.1": "Leo", "q_child_name.2.1": "Mia", "q_child_name.2.2": "Noa"}
    html = post(client, step="remove:woman:1", **typed).get_data(as_text=True)
    assert 'value="Leo"' not in html and 'value="Ana"' not in html
    assert 'name="q_child_name.1.2"' in html and 'name="r_child.1" value="2"' in html and 'name="r_child.2"' not in html


def test_each_inner_answer_is_stored_with_its_number_and_the_instance_it_is_in(client, families, db):
    typed = {"r_woman": "2", "r_child.1": "1", "r_child.2": "2", "q_woman_name.1": "Ana", "q_woman_name.2": "Eva"}
    typed |= {"q_child_name.1.1": "Leo", "q_child_name.2.1": "Mia", "q_child_name.2.2": "Noa", "q_village": "Alto"}
    page = post(client, **typed)
    assert page.status_code == 302, page.get_data(as_text=True)
    rows = db.session.execute(
        select(Answer.question, Answer.parent_instance, Answer.instance, Answer.value_text).where(
            Answer.question.in_(("child_name", "child_number", "woman_name"))
        )
    ).all()
    assert sorted(rows) == [
        ("child_name", "1", 1, "Leo"),
        ("child_name", "2", 1, "Mia"),
        ("child_name", "2", 2, "Noa"),
        ("child_number", "1", 1, "1"),
        ("child_number", "2", 1, "1"),
        ("child_number", "2", 2, "2"),
        ("woman_name", "", 1, "Ana"),
        ("woman_name", "", 2, "Eva"),
    ]


def test_an_inner_error_and_the_review_page_name_the_instances_it_is_in(client, families):
    typed = {"r_woman": "2", "r_child.1": "1", "r_child.2": "1", "q_woman_name.1": "Ana", "q_child_name.1.1": "Leo"}
    html = post(client, **typed).get_data(as_text=True)
    assert "Woman 2 › Child 1: " in html and count(Response) == 0
    typed |= {"q_child_name.2.1": "Mia"}
    html = post(client, step="review", **typed).get_data(as_text=True)
    assert "Woman 2 › Child 1: Child&#39;s name" in html and "Mia" in html
    assert 'name="r_child.2" value="1"' in html and 'name="q_child_name.2.1" value="Mia"' in html
    client.get(f"{URL}?lang=es")  # the language stays chosen
    assert "Mujer 2 › Hijo 1: Nombre del hijo" in post(client, step="review", **typed).get_data(as_text=True)


FILLED = {"r_woman": "2", "r_child.1": "1", "r_child.2": "2", "q_woman_name.1": "Ana", "q_woman_name.2": "Eva"}
FILLED |= {"q_child_name.1.1": "Leo", "q_child_name.2.1": "Mia", "q_child_name.2.2": "Noa"}


def test_exports_name_the_outer_instance_of_each_inner_one(client, families, make_user, login, db):
    for n in range(6):
        assert post(client, q_village=f"Village {n}", **FILLED).status_code == 302
    evaluator = login(make_user(Role.EVALUATOR))
    rows = list(csv.reader(io.StringIO(evaluator.get("/evaluate/families/export.csv?table=repeats").get_data(True))))
    assert rows[0] == ["_response_id", "_repeat", "_index", "_parent_repeat", "_parent_index", "woman_name"] + [
        "child_name",
        "child_number",
    ]
    first = str(db.session.scalars(select(Response.id).order_by(Response.id)).first())
    # each woman, then her children; names leave redacted as [name], as a response's own free texts do
    assert [row[:5] for row in rows[1:6]] == [
        [first, "woman", "1", "", ""],
        [first, "child", "1", "woman", "1"],
        [first, "woman", "2", "", ""],
        [first, "child", "1", "woman", "2"],
        [first, "child", "2", "woman", "2"],
    ]
    assert rows[5][6:] == ["[name]", "2"] and len(rows) == 1 + 6 * 5


def test_the_testimony_page_names_each_inner_instance_after_its_outer_one(client, make_user, login, db):
    told = {**FAMILIES, "form_id": "told", "questions": [*FAMILIES["questions"]]}
    told["questions"].append({"name": "story", "type": "text", "label": "Your story", "testimony": True})
    import_survey(told, publish=True)
    db.session.commit()
    assert (
        client.post("/s/told", data={"uuid": str(uuid.uuid4()), "q_story": "The clinic closed.", **FILLED}).status_code
        == 302
    )
    testimonial = db.session.scalars(select(Testimonial)).one()
    page = login(make_user(Role.ADMIN)).get(f"/evaluate/told/testimonials/{testimonial.id}").get_data(as_text=True)
    assert 'data-instance="child.2.2"' in page and "Woman 2 › Child 2: Child&#39;s name" in page
    assert page.index("Woman 1: Name") < page.index("Woman 1 › Child 1") < page.index("Woman 2: Name")
