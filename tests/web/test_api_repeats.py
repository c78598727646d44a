"""Repeats through the sync API and queue files: each instance a record carries stored as the web form and
OpenRosa store it, and checked by the same rules."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Answer, Response, Role
from survey.services.devices import register_device
from survey.services.queue_files import import_queue_file
from survey.services.surveys import import_survey
from tests.conftest import count
from tests.services.test_xforms import WOMEN
from tests.web.test_api import post
from tests.web.test_nested_repeats import FAMILIES
from tests.web.test_openrosa_repeats import STORED
from tests.web.test_repeat_aggregates import MEMBERS
from tests.web.test_repeats import COUNTED

FAMILY = {
    "woman": [
        {"woman_name": "Ana", "child": [{"child_name": "Leo"}]},
        {"woman_name": "Eva", "child": [{"child_name": "Mia"}, {"child_name": "Noa"}]},
    ]
}
YES_NO = [{"name": "yes", "label": "Yes"}, {"name": "no", "label": "No"}]
HOMES = {
    "form_id": "homes",
    "title": "Homes",
    "choices": {"yes_no": YES_NO},
    "questions": [
        {
            "name": "home",
            "type": "group",
            "label": "The home",
            "questions": [
                {"name": "village", "type": "text", "label": "Village"},
                {"name": "shared", "type": "select_one", "choices": "yes_no", "label": "Does anyone else live here?"},
                {
                    "name": "people",
                    "type": "group",
                    "label": "Who lives here",
                    "relevant": "${shared} = 'yes'",
                    "questions": [
                        {
                            "name": "member",
                            "type": "repeat",
                            "label": "Member",
                            "questions": [
                                {"name": "member_name", "type": "text", "label": "Name", "required": True},
                                {"name": "member_age", "type": "integer", "label": "Age"},
                                {
                                    "name": "work",
                                    "type": "group",
                                    "label": "Work",
                                    "relevant": "${member_age} >= 18",
                                    "questions": [
                                        {
                                            "name": "member_job",
                                            "type": "text",
                                            "label": "What does ${member_name} do in ${village}?",
                                            "required": True,
                                        }
                                    ],
                                },
                            ],
                        }
                    ],
                },
            ],
        },
        {"name": "remarks", "type": "text", "label": "Remarks"},
    ],
}


PLOTS = {
    "form_id": "plots",
    "title": "Plots",
    "choices": {
        "kinds": [{"name": "food", "label": "Food crop"}, {"name": "cash", "label": "Cash crop"}],
        "crops": [
            {"name": "maize", "label": "Maize", "kind": "food"},
            {"name": "yuca", "label": "Yuca", "kind": "food"},
            {"name": "cacao", "label": "Cacao", "kind": "cash"},
            {"name": "coffee", "label": "Coffee", "kind": "cash"},
        ],
    },
    "questions": [
        {
            "name": "plot",
            "type": "repeat",
            "label": "Plot",
            "questions": [
                {"name": "plot_kind", "type": "select_one", "choices": "kinds", "label": "Kind of crop"},
                {
                    "name": "plot_crop",
                    "type": "select_one",
                    "choices": "crops",
                    "choice_filter": "kind=${plot_kind}",
                    "label": "Crop",
                    "required": True,
                },
            ],
        }
    ],
}

TYPED_ON_THE_WEB = {"r_woman": "2", "r_child.1": "1", "r_child.2": "2", "q_village": "Alto"}
TYPED_ON_THE_WEB |= {"q_woman_name.1": "Ana", "q_woman_name.2": "Eva", "q_child_name.1.1": "Leo"}
TYPED_ON_THE_WEB |= {"q_child_name.2.1": "Mia", "q_child_name.2.2": "Noa"}


@pytest.fixture
def token(make_user, db):
    for survey in (FAMILIES, COUNTED, MEMBERS, WOMEN, HOMES, PLOTS):
        VERSIONS[survey["form_id"]] = import_survey(survey, publish=True).version
    _, token = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    db.session.commit()
    return token


VERSIONS: dict[str, str] = {}


def record(survey: str, answers: dict[str, object], repeats: object, **overrides: object) -> dict[str, object]:
    body = {
        "uuid": str(uuid.uuid4()),
        "survey": survey,
        "version": VERSIONS[survey],
        "language": "en",
        "consent": "internal",
        "mode": "in_person",
        "answers": answers,
        "repeats": repeats,
    }
    return body | overrides


def send(client, token, *records):
    response = post(client, token, list(records))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["results"]


def rows_of(response_uuid: str) -> list[tuple[str, str, int, str, float | None]]:
    query = (
        select(Answer.question, Answer.parent_instance, Answer.instance, Answer.value_text, Answer.value_number)
        .join(Response)
        .where(Response.uuid == response_uuid)
    )
    return sorted(tuple(row) for row in _db.session.execute(query))


def test_a_record_s_instances_are_stored_as_the_web_form_and_openrosa_store_the_same_interview(client, token):
    sent = record("families", {"village": "Alto"}, FAMILY)
    [result] = send(client, token, sent)
    assert result["status"] == "created", result
    web_uuid = str(uuid.uuid4())
    page = client.post("/s/families", data={"uuid": web_uuid, **TYPED_ON_THE_WEB})
    assert page.status_code == 302, page.get_data(as_text=True)
    assert rows_of(str(sent["uuid"])) == rows_of(web_uuid)
    assert [row[:4] for row in rows_of(str(sent["uuid"]))] == STORED  # what OpenRosa stores for it


def test_a_resend_of_a_record_with_instances_is_a_duplicate_and_other_instances_a_conflict(client, token):
    sent = record("families", {"village": "Alto"}, FAMILY)
    assert send(client, token, sent)[0]["status"] == "created"
    assert send(client, token, sent)[0]["status"] == "duplicate"
    fewer = sent | {"repeats": {"woman": FAMILY["woman"][:1]}}
    assert send(client, token, fewer)[0]["status"] == "conflict"
    assert count(Response) == 1


@pytest.mark.parametrize(("children", "sent"), [(3, "3"), (1, "1")])
def test_instances_that_disagree_with_the_repeat_count_are_refused_not_padded(client, token, children, sent):
    repeats = {"child": [{"child_age": str(10 - n)} for n in range(children)]}
    [result] = send(client, token, record("counted", {"size": "2"}, repeats))
    assert result["status"] == "invalid"
    assert result["errors"] == {
        "child": f"instances sent: {sent}, where the form asks for 2: none was stored, so that none is lost"
    }
    assert count(Response) == 0


def test_the_reasons_for_refusing_instances_are_in_the_record_s_language(client, token):
    repeats = {"child": [{"child_age": "5"}, {"child_age": "9"}, {"child_age": "1"}]}
    [result] = send(client, token, record("counted", {"size": "3"}, repeats, language="es"))
    assert result["errors"] == {"child_age.2": "List the children from the oldest"}  # the survey's own words
    in_order = {"child": [{"child_age": "9"}, {"child_age": "5"}, {"child_age": "1"}]}
    [result] = send(client, token, record("counted", {"size": "2"}, in_order, language="es"))
    assert result["errors"] == {
        "child": "instancias enviadas: 3, donde el formulario pide 2: no se guardó ninguna, para que ninguna se pierda"
    }


def test_a_nested_instance_missing_a_required_answer_is_named_by_its_path(client, token):
    family = {"woman": [FAMILY["woman"][0], {"woman_name": "Eva", "child": [{"child_name": "Mia"}, {}]}]}
    [result] = send(client, token, record("families", {}, family))
    assert result["status"] == "invalid" and list(result["errors"]) == ["child_name.2.2"]
    assert count(Response) == 0


def test_sum_and_count_read_the_instances_a_record_carries(client, token):
    members = [{"member_name": "Ana", "member_age": 40}, {"member_name": "Luis", "member_age": "9"}]
    [result] = send(client, token, record("members", {"adults": 1}, {"member": members}))
    assert result["status"] == "created", result
    top = {row[0]: row[3] for row in rows_of(result["uuid"]) if row[2] == 0}
    assert top == {"total_age": "49", "members": "2", "adults": "1"}
    [too_many] = send(client, token, record("members", {"adults": 3}, {"member": members}))
    assert too_many["errors"] == {"adults": "More adults than members"}


def test_a_repeat_that_does_not_apply_takes_no_instance_holding_answers(client, token):
    [emptied] = send(client, token, record("women", {"women": "0"}, {"woman": []}))
    assert emptied["status"] == "created", emptied
    [answered] = send(client, token, record("women", {"women": "0"}, {"woman": [{"woman_age": "30"}]}))
    assert answered["errors"]["woman"].startswith("instances sent: 1, where the form asks for 0")


NOT_INSTANCES = "must be a list of instances, each an object of answers by question name"
NOT_HERE = "is not a repeat asked here: a repeat inside another goes in each of its instances"


@pytest.mark.parametrize(
    ("repeats", "errors"),
    [
        (["Ana"], {"repeats": "must be an object of instances by repeat name"}),
        ({"woman": {"woman_name": "Ana"}}, {"woman": NOT_INSTANCES}),
        ({"child": [{"child_name": "Leo"}]}, {"child": NOT_HERE}),  # a child belongs in a woman's instance
        ({"woman": [{"woman_name": "Ana", "child": [{"child_name": "Leo", "woman": [{}]}]}]}, {"woman.1.1": NOT_HERE}),
        (
            {"woman": [{"woman_name": {"first": "Ana"}}]},
            {"woman_name.1": "An answer must be text, a number or a list of choices."},
        ),
    ],
)
def test_instances_of_the_wrong_shape_are_refused_naming_where(client, token, repeats, errors):
    [result] = send(client, token, record("families", {"village": "Alto"}, repeats))
    assert result["status"] == "invalid" and result["errors"] == errors
    assert count(Response) == 0


def test_a_question_of_a_repeat_among_the_answers_is_refused_saying_where_it_goes(client, token):
    [result] = send(client, token, record("families", {"woman_name": "Ana"}, {}, language="es"))
    assert result["errors"] == {"woman_name": "pertenece a una repetición: envíela en su instancia, bajo repeats"}


def test_a_record_without_repeats_is_judged_as_one_that_sent_no_instance(client, token):
    sent = record("families", {"village": "Alto"}, None)
    del sent["repeats"]
    [result] = send(client, token, sent)
    assert result["status"] == "created" and rows_of(result["uuid"]) == [("village", "", 0, "Alto", None)]
    counted = record("counted", {"size": "2"}, None)
    del counted["repeats"]  # a client that knows nothing of repeats cannot leave out the two the form asks for
    [result] = send(client, token, counted)
    assert result["errors"] == {
        "child": "instances sent: 0, where the form asks for 2: none was stored, so that none is lost"
    }


def test_a_queue_file_s_instances_are_stored_too(token):
    sent = record("families", {"village": "Alto"}, FAMILY)
    [result] = import_queue_file(json.dumps({"records": [sent]}).encode())
    assert result.status == "created", result
    assert [row[:4] for row in rows_of(str(sent["uuid"]))] == STORED


def test_members_inside_a_group_that_does_not_apply_are_refused_and_asked_when_it_does(client, token):
    members = {"member": [{"member_name": "Ana", "member_age": "40", "member_job": "Farmer"}]}
    [refused] = send(client, token, record("homes", {"village": "Alto", "shared": "no"}, members))
    assert refused["errors"]["member"].startswith("instances sent: 1, where the form asks for 0")
    [alone] = send(client, token, record("homes", {"village": "Alto", "shared": "no"}, {"member": []}))
    assert alone["status"] == "created", alone
    [shared] = send(client, token, record("homes", {"village": "Alto", "shared": "yes"}, members))
    assert shared["status"] == "created", shared
    assert [row[:4] for row in rows_of(shared["uuid"]) if row[2]] == [
        ("member_age", "", 1, "40"),
        ("member_job", "", 1, "Farmer"),
        ("member_name", "", 1, "Ana"),
    ]


def test_a_crop_is_checked_against_the_kind_chosen_in_its_own_plot(client, token):
    plots = [{"plot_kind": "food", "plot_crop": "yuca"}, {"plot_kind": "cash", "plot_crop": "yuca"}]
    [result] = send(client, token, record("plots", {}, {"plot": plots}))
    assert result["status"] == "invalid" and list(result["errors"]) == ["plot_crop.2"]
    plots[1]["plot_crop"] = "cacao"
    assert send(client, token, record("plots", {}, {"plot": plots}))[0]["status"] == "created"
