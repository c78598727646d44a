"""sum() and count() over a repeat on the resident form: the server works them out from the instances typed."""

from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import select

from survey.models import Answer, Response, Role
from survey.services.surveys import get_survey, import_survey
from tests.conftest import count
from tests.questionnaire.test_aggregates import REPEAT_CASES, SURVEY, changed, write

URL = "/s/members"
MEMBERS = {
    "form_id": "members",
    "title": "Members",
    "questions": [
        {
            "name": "member",
            "type": "repeat",
            "label": "Household member",
            "questions": [
                {"name": "member_name", "type": "text", "label": "Name"},
                {"name": "member_age", "type": "integer", "label": "Age"},
            ],
        },
        {"name": "total_age", "type": "calculate", "calculation": "sum(${member_age})"},
        {"name": "members", "type": "calculate", "calculation": "count(${member})"},
        {
            "name": "crowded",
            "type": "text",
            "label": "Together ${total_age} years",
            "relevant": "count(${member_name}) > 2",
        },
        {
            "name": "adults",
            "type": "integer",
            "label": "How many are adults?",
            "constraint": ". <= count(${member})",
            "constraint_message": "More adults than members",
        },
    ],
}


@pytest.fixture
def members(db):
    version = import_survey(MEMBERS, publish=True)
    db.session.commit()
    return version


def post(client, members_typed: list[tuple[str, str]], **fields: str):
    data = {"uuid": str(uuid.uuid4()), "r_member": str(len(members_typed)), **fields}
    for number, (name, age) in enumerate(members_typed, start=1):
        data |= {f"q_member_name.{number}": name, f"q_member_age.{number}": age}
    return client.post(URL, data=data)


def stored(db, question: str) -> list[str | None]:
    return db.session.scalars(select(Answer.value_text).where(Answer.question == question).order_by(Answer.id)).all()


def test_a_sum_and_a_count_over_the_instances_are_stored(client, members, db):
    page = post(client, [("Ana", "40"), ("Luis", "9")], q_adults="1")
    assert page.status_code == 302, page.get_data(as_text=True)
    assert stored(db, "total_age") == ["49"] and stored(db, "members") == ["2"]


def test_a_relevance_that_counts_the_instances_decides_what_is_kept(client, members, db):
    assert post(client, [("Ana", "40"), ("Luis", "9")], q_crowded="yes").status_code == 302
    assert stored(db, "crowded") == []  # two members: not asked, not kept
    assert post(client, [("Ana", "40"), ("Luis", "9"), ("Eva", "12")], q_crowded="yes").status_code == 302
    assert stored(db, "crowded") == ["yes"] and stored(db, "total_age") == ["49", "61"]


def test_a_constraint_that_counts_the_instances_is_checked(client, members):
    html = post(client, [("Ana", "40"), ("Luis", "9")], q_adults="3").get_data(as_text=True)
    assert "More adults than members" in html and count(Response) == 0
    assert post(client, [("Ana", "40"), ("Luis", "9")], q_adults="2").status_code == 302


def test_an_age_left_empty_makes_the_sum_nan_as_in_odk(client, members, db):
    assert post(client, [("Ana", "40"), ("Luis", "")]).status_code == 302
    assert stored(db, "total_age") == ["NaN"] and stored(db, "members") == ["2"]


def test_an_income_typed_then_no_longer_asked_is_neither_stored_nor_added_up(client, db):
    import_survey(REPEAT_CASES["forms"]["earners"], publish=True)
    db.session.commit()
    data = {"uuid": str(uuid.uuid4()), "r_member": "2", "q_works.1": "yes", "q_income.1": "100"}
    data |= {"q_works.2": "no", "q_income.2": "50"}  # typed before Luis said he does not work
    assert client.post("/s/earners", data=data).status_code == 302
    assert stored(db, "income") == ["100"] and stored(db, "incomes") == ["2"]
    assert stored(db, "total_income") == ["NaN"]  # as ODK Collect works it out, not 150


def test_an_aggregate_refused_on_upload_is_named_in_spanish(client, make_user, login, tmp_path):
    login(make_user(Role.ADMIN))
    client.get("/admin/?lang=es")
    survey = changed(SURVEY, "child_double", calculation="sum(${child_age})")
    data = write(tmp_path / "form.xlsx", survey).read_bytes()
    form = {"file": (io.BytesIO(data), "form.xlsx"), "publish": "y"}
    page = client.post("/admin/surveys", data=form, content_type="multipart/form-data").get_data(as_text=True)
    assert (
        "hoja survey, fila 6, columna calculation: sum(${child_age}) no puede usarse dentro de la repetición "
        "child que lee; úselo fuera de esa repetición"
    ) in page
    assert get_survey("children") is None


NAMED_MEMBERS = {  # a member's age asked by their name
    "name": "member",
    "type": "repeat",
    "label": "Household member",
    "questions": [
        {"name": "member_name", "type": "text", "label": "Name"},
        {"name": "member_age", "type": "integer", "label": "How old is ${member_name}?"},
    ],
}
TWO_MEMBERS = {"q_member_name.1": "Ana", "q_member_age.1": "40", "q_member_name.2": "Luis", "q_member_age.2": "9"}


def test_the_review_fills_each_answer_a_label_names_the_instances_own_first(client, db):
    labelled = {
        **MEMBERS,
        "form_id": "labelled",
        "questions": [
            NAMED_MEMBERS,
            {"name": "total_age", "type": "calculate", "calculation": "sum(${member_age})"},
            {"name": "crowded", "type": "text", "label": "Together ${total_age} years: what is it like?"},
        ],
    }
    import_survey(labelled, publish=True)
    db.session.commit()
    data = {"uuid": str(uuid.uuid4()), "r_member": "2", "q_crowded": "Busy", "step": "review"}
    data |= TWO_MEMBERS
    page = client.post("/s/labelled", data=data).get_data(as_text=True)
    assert "How old is Ana?" in page and "How old is Luis?" in page
    assert "Together 49 years: what is it like?" in page and "${" not in page


def test_without_javascript_the_next_page_shows_the_answers_its_labels_name(client, db):
    paged = {
        **MEMBERS,
        "form_id": "paged",
        "questions": [
            {
                "name": "home",
                "type": "group",
                "appearance": "field-list",
                "questions": [
                    {"name": "n", "type": "integer", "label": "How many live here?"},
                    NAMED_MEMBERS,
                ],
            },
            {"name": "total_age", "type": "calculate", "calculation": "sum(${member_age})"},
            {"name": "crowded", "type": "text", "label": "${n} of you, ${total_age} years together: what is it like?"},
        ],
    }
    import_survey(paged, publish=True)
    db.session.commit()
    data = {"uuid": str(uuid.uuid4()), "r_member": "2", "q_n": "2", "step": "next", "page": "1"}
    data |= TWO_MEMBERS
    page = client.post("/s/paged", data=data).get_data(as_text=True)
    assert '<span data-output="n">2</span> of you, <span data-output="total_age">49</span> years together' in page
    assert 'How old is <span data-output="member_name">Luis</span>?' in page


def test_a_resident_who_adds_sixty_members_keeps_every_one(client, members, db):
    page = post(client, [(f"Member {n}", "1") for n in range(1, 61)], q_adults="2")
    assert page.status_code == 302, page.get_data(as_text=True)
    assert stored(db, "total_age") == ["60"] and len(stored(db, "member_name")) == 60


def test_an_instance_reads_another_repeat_with_indexed_repeat_as_the_browser_does(client, db):
    visits = {
        "form_id": "visits",
        "title": "Visits",
        "questions": [
            {
                "name": "visit",
                "type": "repeat",
                "questions": [{"name": "visit_day", "type": "integer", "label": "Day"}],
            },
            {
                "name": "child",
                "type": "repeat",
                "questions": [
                    {"name": "child_name", "type": "text", "label": "Name"},
                    {
                        "name": "first_day",
                        "type": "calculate",
                        "calculation": "indexed-repeat(${visit_day}, ${visit}, 1)",
                    },
                ],
            },
        ],
    }
    import_survey(visits, publish=True)
    db.session.commit()
    data = {"uuid": str(uuid.uuid4()), "r_visit": "1", "r_child": "1", "q_visit_day.1": "7", "q_child_name.1": "Leo"}
    assert client.post("/s/visits", data=data).status_code == 302
    assert stored(db, "first_day") == ["7"]


def test_without_javascript_a_note_on_the_next_page_shows_the_total(client, db):
    note = {"name": "in_all", "type": "note", "label": "In all, ${total_age} years"}
    import_survey({**MEMBERS, "form_id": "noted", "questions": [*MEMBERS["questions"], note]}, publish=True)
    db.session.commit()
    data = {"uuid": str(uuid.uuid4()), "r_member": "2", "step": "next", "page": "1", **TWO_MEMBERS}
    page = client.post("/s/noted", data=data).get_data(as_text=True)
    assert 'In all, <span data-output="total_age">49</span> years' in page
