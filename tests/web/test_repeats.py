"""Repeats on the resident form: instances shown, added and removed without JavaScript, checked and stored."""

from __future__ import annotations

import re
import uuid

import pytest
from lxml import etree
from sqlalchemy import select

from survey.models import Answer, Response, Role
from survey.services.devices import register_device
from survey.services.surveys import import_survey
from tests.conftest import count

URL = "/s/household"
HOUSEHOLD = {
    "form_id": "household",
    "title": {"en": "Household", "es": "Hogar"},
    "questions": [
        {"name": "village", "type": "text", "label": {"en": "Village", "es": "Vereda"}},
        {
            "name": "member",
            "type": "repeat",
            "label": {"en": "Household member", "es": "Miembro del hogar"},
            "questions": [
                {"name": "member_name", "type": "text", "label": {"en": "Name", "es": "Nombre"}, "required": True},
                {
                    "name": "member_age",
                    "type": "integer",
                    "label": {"en": "Age", "es": "Edad"},
                    "constraint": ". < 120",
                    "constraint_message": {"en": "Too old", "es": "Demasiado"},
                },
                {
                    "name": "member_number",
                    "type": "calculate",
                    "calculation": "position(..)",
                },
            ],
        },
    ],
}
COUNTED = {
    "form_id": "counted",
    "title": "Counted",
    "questions": [
        {"name": "size", "type": "integer", "label": "How many children?"},
        {
            "name": "child",
            "type": "repeat",
            "label": "Child",
            "repeat_count": "${size}",
            "questions": [
                {
                    "name": "child_age",
                    "type": "integer",
                    "label": "Age",
                    "constraint": "position(..) = 1 or . <= indexed-repeat(${child_age}, ${child}, position(..) - 1)",
                    "constraint_message": "List the children from the oldest",
                },
            ],
        },
    ],
}


@pytest.fixture
def household(db):
    version = import_survey(HOUSEHOLD, publish=True)
    db.session.commit()
    return version


@pytest.fixture
def counted(db):
    version = import_survey(COUNTED, publish=True)
    db.session.commit()
    return version


def post(client, url=URL, **fields):
    return client.post(url, data={"uuid": str(uuid.uuid4()), **fields})


def test_a_repeat_opens_with_one_numbered_instance_and_an_add_button(client, household):
    page = client.get(URL).get_data(as_text=True)
    assert "Household member 1" in page and 'name="q_member_name.1"' in page
    assert 'name="r_member" value="1"' in page and 'value="add:member"' in page
    assert "Miembro del hogar 1" in client.get(f"{URL}?lang=es").get_data(as_text=True)


def test_add_another_without_javascript_keeps_what_was_typed(client, household):
    page = post(client, step="add:member", q_village="Alto", r_member="1", **{"q_member_name.1": "Ana"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Household member 2" in html
    assert 'value="Ana"' in html and 'name="q_member_name.2"' in html and 'value="Alto"' in html
    assert "error-summary" not in html and count(Response) == 0


def test_remove_moves_the_later_instances_up(client, household):
    names = {"q_member_name.1": "Ana", "q_member_name.2": "Luis", "q_member_name.3": "Eva"}
    html = post(client, step="remove:member:2", r_member="3", **names).get_data(as_text=True)
    assert "Household member 3" not in html and 'value="Eva"' in html and 'value="Luis"' not in html


def test_each_instance_is_stored_with_its_number(client, household, db):
    fields = {"q_member_name.1": "Ana", "q_member_age.1": "40", "q_member_name.2": "Luis", "q_member_age.2": "9"}
    page = post(client, q_village="Alto", r_member="2", **fields)
    assert page.status_code == 302, page.get_data(as_text=True)
    rows = db.session.execute(select(Answer.question, Answer.instance, Answer.value_text).order_by(Answer.id)).all()
    assert sorted(rows) == [
        ("member_age", 1, "40"),
        ("member_age", 2, "9"),
        ("member_name", 1, "Ana"),
        ("member_name", 2, "Luis"),
        ("member_number", 1, "1"),
        ("member_number", 2, "2"),
        ("village", 0, "Alto"),
    ]


def test_an_error_names_its_instance(client, household):
    fields = {"q_member_name.1": "Ana", "q_member_age.1": "200", "q_member_age.2": "9"}
    html = post(client, r_member="2", **fields).get_data(as_text=True)
    assert "Household member 1: Too old" in html
    assert "Household member 2: " in html and count(Response) == 0


def test_repeat_count_fixes_the_instances_and_indexed_repeat_compares_them(client, counted):
    page = client.post("/s/counted", data={"uuid": str(uuid.uuid4()), "step": "instances", "q_size": "2"})
    html = page.get_data(as_text=True)
    assert "Child 2" in html and "Child 3" not in html and 'value="add:child"' not in html
    wrong = post(client, "/s/counted", q_size="2", **{"q_child_age.1": "5", "q_child_age.2": "9"})
    assert "Child 2: List the children from the oldest" in wrong.get_data(as_text=True)
    right = post(client, "/s/counted", q_size="2", **{"q_child_age.1": "9", "q_child_age.2": "5"})
    assert right.status_code == 302


def test_instances_beyond_the_count_are_not_stored(client, counted, db):
    extra = {"q_child_age.1": "9", "q_child_age.2": "5", "r_child": "5"}
    assert post(client, "/s/counted", q_size="1", **extra).status_code == 302
    assert db.session.scalars(select(Answer.instance).where(Answer.question == "child_age")).all() == [1]


def test_the_review_page_lists_each_instance_and_carries_its_count(client, household):
    fields = {"q_member_name.1": "Ana", "q_member_name.2": "Luis"}
    html = post(client, step="review", r_member="2", **fields).get_data(as_text=True)
    assert "Household member 2: Name" in html and "Luis" in html
    assert 'name="r_member" value="2"' in html


def test_tablets_get_the_survey_for_the_web_form_and_odk_collect_lists_it_with_its_repeat(
    client, household, make_user, db
):
    _, token = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    db.session.commit()
    listed = etree.fromstring(client.get(f"/openrosa/{token}/formList").data)
    [form] = listed.findall("x:xform", {"x": "http://openrosa.org/xforms/xformsList"})
    assert form.findtext("{http://openrosa.org/xforms/xformsList}formID") == "household"
    surveys = client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).get_json()["surveys"]
    assert [s["slug"] for s in surveys] == ["household"]
    assert surveys[0]["definition"]["questions"][1]["type"] == "repeat"  # the app sends it to the web form
    xform = client.get(f"/openrosa/{token}/forms/household/form.xml")
    assert xform.status_code == 200 and b'<repeat nodeset="/data/member">' in xform.data


def test_the_admin_preview_adds_an_instance_without_checking_the_answers(client, household, make_user, login):
    admin = login(make_user(Role.ADMIN))
    url = f"/admin/surveys/household/versions/{household.id}/preview"
    html = admin.post(url, data={"step": "add:member", "r_member": "1", "q_member_name.1": "Ana"}).get_data(True)
    assert "Household member 2" in html and 'value="Ana"' in html and "error-summary" not in html


def test_the_same_answers_for_other_people_are_not_taken_for_a_resend(client, household):
    assert post(client, q_village="Alto", r_member="1", **{"q_member_name.1": "Ana"}).status_code == 302
    again = post(client, q_village="Alto", r_member="1", **{"q_member_name.1": "Luis"})
    assert again.status_code == 302 and count(Response) == 2
    same = post(client, q_village="Alto", r_member="1", **{"q_member_name.1": "Luis"})
    assert same.status_code == 200 and count(Response) == 2  # the very same answers: asked to confirm


def test_the_review_page_shows_a_repeat_where_the_form_asks_it(client, db):
    later = {"name": "later", "type": "text", "label": {"en": "And after them?", "es": "¿Y después?"}}
    import_survey({**HOUSEHOLD, "questions": [*HOUSEHOLD["questions"], later]}, publish=True)
    db.session.commit()
    fields = {"q_village": "Alto", "q_member_name.1": "Ana", "q_later": "Nothing"}
    html = post(client, step="review", r_member="1", **fields).get_data(as_text=True)
    assert html.index("Village") < html.index("Household member 1: Name") < html.index("And after them?")


def test_a_record_answering_a_repeat_is_refused_rather_than_stored_with_one_instance(client, household, make_user, db):
    _, token = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    db.session.commit()
    record = {
        "uuid": str(uuid.uuid4()),
        "survey": "household",
        "version": household.version,
        "language": "es",
        "answers": {"village": "Alto", "member_name": "Ana"},
        "started_at": "2026-11-20T09:00:00-05:00",
        "finished_at": "2026-11-20T09:14:00-05:00",
        "mode": "in_person",
    }
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.post("/api/v1/submissions", json={"records": [record]}, headers=headers)
    [result] = answer.get_json()["results"]
    assert result["status"] == "invalid"
    assert "member_name" in result["errors"] and "repetición" in result["errors"]["member_name"]
    assert count(Response) == 0


def test_a_counted_repeat_holds_a_blank_instance_for_the_page_to_copy(client, counted):
    html = post(client, "/s/counted", step="instances", q_size="2").get_data(as_text=True)
    blank = html[html.index("<template data-blank-instance>") : html.index("</template>")]
    assert 'name="q_child_age.1"' in blank and 'value=""' in blank and "Child 1" in blank
    assert 'data-count="${size}"' in html and 'data-count-limit="50"' in html
    assert html.count('name="q_child_age.2"') == 1  # the instances shown, the blank one only copied


def test_a_repeat_the_resident_adds_to_holds_a_blank_instance_with_the_defaults(client, db):
    with_default = {**HOUSEHOLD, "form_id": "defaulted"}
    member = {**HOUSEHOLD["questions"][1]}
    member["questions"] = [
        *member["questions"],
        {"name": "member_town", "type": "text", "label": "Town", "default": "Tumaco"},
    ]
    with_default["questions"] = [HOUSEHOLD["questions"][0], member]
    import_survey(with_default, publish=True)
    db.session.commit()
    html = post(client, "/s/defaulted", **{"r_member": "1", "q_member_town.1": "Pasto", "step": "add:member"}).get_data(
        as_text=True
    )
    blank = html[html.index("<template data-blank-instance>") : html.index("</template>")]
    assert 'name="q_member_town.1"' in blank and 'value="Tumaco"' in blank and "Pasto" not in blank
    assert 'name="q_member_town.2" type="text" value="Tumaco"' in html  # added by the server, with the default too


def test_a_count_refused_by_its_constraint_comes_back_with_the_instances_typed(client, db):
    checked = {**COUNTED, "form_id": "checked"}
    checked["questions"] = [
        {**COUNTED["questions"][0], "constraint": ". <= 10", "constraint_message": "At most 10"},
        COUNTED["questions"][1],
    ]
    import_survey(checked, publish=True)
    db.session.commit()
    typed = {"r_child": "2", "q_child_age.1": "9", "q_child_age.2": "5"}
    html = post(client, "/s/checked", q_size="40", step="review", **typed).get_data(as_text=True)
    assert "At most 10" in html
    assert 'name="q_child_age.2" type="number" value="5"' in html and 'name="q_child_age.3"' not in html
    html = post(client, "/s/checked", q_size="tres", step="review", **typed).get_data(as_text=True)
    shown = re.sub(r"<template data-blank-instance>.*?</template>", "", html, flags=re.S)
    assert 'name="q_child_age.1"' not in shown  # no number: none, as before
