"""Repeats through OpenRosa: listed and served with their <repeat>, each instance Collect sends stored and exported."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Answer, Response, ResponseRevision, Role, Survey, SurveyVersion
from survey.services.devices import register_device
from survey.services.surveys import import_survey
from survey.services.sync import ingest_record
from tests.conftest import count
from tests.questionnaire.test_aggregates import REPEAT_CASES
from tests.services.test_xforms import WOMEN
from tests.web.test_nested_repeats import FAMILIES
from tests.web.test_openrosa import LIST_NS, XF, download_xform, message, submit
from tests.web.test_openrosa_edits import edit_of
from tests.web.test_repeat_aggregates import MEMBERS
from tests.web.test_repeats import COUNTED

JR_TEMPLATE = "{http://openrosa.org/javarosa}template"
Filled = dict[str, Any]  # an answer by question name, or a repeat's instances as a list of Filled


@pytest.fixture
def base(make_user, db):
    """A registered tablet's server URL, with the families and counted surveys open."""
    import_survey(FAMILIES, publish=True)
    import_survey(COUNTED, publish=True)
    _, token = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    _db.session.commit()
    return f"/openrosa/{token}"


def _filled(pattern, answers: Filled, instance_id: str, keep_templates: bool):
    """An element of the instance as Collect fills it from the XForm's: one copy of a repeat's jr:template
    element for each instance made, the XForm's own first instance left out."""
    element = etree.Element(pattern.tag, {k: v for k, v in pattern.attrib.items() if k != JR_TEMPLATE})
    templates = set()
    for child in pattern:
        name = etree.QName(child).localname
        if child.get(JR_TEMPLATE) is not None:
            templates.add(name)
            if keep_templates:  # as a client that sends the pattern along would
                element.append(etree.fromstring(etree.tostring(child)))
            for made in answers.get(name, []):
                element.append(_filled(child, made, instance_id, keep_templates))
        elif name in templates:
            continue
        elif len(child):
            element.append(_filled(child, answers, instance_id, keep_templates))
        else:
            leaf = etree.SubElement(element, child.tag)
            leaf.text = f"uuid:{instance_id}" if name == "instanceID" else answers.get(name)
    return element


def fill(xform: bytes, answers: Filled, instance_id: str, keep_templates: bool = False) -> bytes:
    """The instance Collect sends for these answers and repeat instances."""
    root = etree.fromstring(xform, etree.XMLParser(resolve_entities=False, no_network=True))
    data = root.find(f"{{http://www.w3.org/1999/xhtml}}head/{{{XF}}}model/{{{XF}}}instance")[0]
    return etree.tostring(_filled(data, answers, instance_id, keep_templates), xml_declaration=True, encoding="UTF-8")


FAMILY = {
    "village": "Alto",
    "woman": [
        {"woman_name": "Ana", "child": [{"child_name": "Leo"}]},
        {"woman_name": "Eva", "child": [{"child_name": "Mia"}, {"child_name": "Noa"}]},
    ],
}
STORED = [
    ("child_name", "1", 1, "Leo"),
    ("child_name", "2", 1, "Mia"),
    ("child_name", "2", 2, "Noa"),
    ("child_number", "1", 1, "1"),
    ("child_number", "2", 1, "1"),
    ("child_number", "2", 2, "2"),
    ("village", "", 0, "Alto"),
    ("woman_name", "", 1, "Ana"),
    ("woman_name", "", 2, "Eva"),
]


def stored_rows() -> list[tuple[str, str, int, str]]:
    query = select(Answer.question, Answer.parent_instance, Answer.instance, Answer.value_text)
    return sorted(tuple(row) for row in _db.session.execute(query))


def test_the_form_list_offers_a_survey_with_repeats_and_its_xform_repeats_each_one(client, base):
    listed = etree.fromstring(client.get(f"{base}/formList").data)
    assert sorted(form.findtext("x:formID", namespaces=LIST_NS) for form in listed.findall("x:xform", LIST_NS)) == [
        "counted",
        "families",
    ]
    xform = etree.fromstring(download_xform(client, base, "families"))
    repeats = xform.iter(f"{{{XF}}}repeat")
    assert [r.get("nodeset") for r in repeats] == ["/data/woman", "/data/woman/child"]
    templates = xform.iter(f"{{{XF}}}woman", f"{{{XF}}}child")
    assert [(etree.QName(t).localname, t.get(JR_TEMPLATE)) for t in templates][:2] == [("woman", ""), ("child", "")]
    counted = etree.fromstring(download_xform(client, base, "counted"))
    [repeat] = counted.iter(f"{{{XF}}}repeat")
    assert (repeat.get("nodeset"), repeat.get("{http://openrosa.org/javarosa}count").strip()) == (
        "/data/child",
        "/data/size",
    )


def test_each_instance_collect_sends_is_stored_under_its_number_and_exported(client, base, make_user, login):
    xform = download_xform(client, base, "families")
    response = submit(client, base, fill(xform, FAMILY, str(uuid.uuid4())))
    assert response.status_code == 201, message(response)
    assert stored_rows() == STORED
    for _ in range(5):  # an export needs a minimum group of responses
        assert submit(client, base, fill(xform, FAMILY, str(uuid.uuid4()))).status_code == 201
    evaluator = login(make_user(Role.EVALUATOR))
    export = evaluator.get("/evaluate/families/export.csv?table=repeats").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0] == ["_response_id", "_repeat", "_index", "_parent_repeat", "_parent_index"] + [
        "woman_name",
        "child_name",
        "child_number",
    ]
    first = str(_db.session.scalars(select(Response.id).order_by(Response.id)).first())
    assert [row[:5] for row in rows[1:6]] == [
        [first, "woman", "1", "", ""],
        [first, "child", "1", "woman", "1"],
        [first, "woman", "2", "", ""],
        [first, "child", "1", "woman", "2"],
        [first, "child", "2", "woman", "2"],
    ]
    # names leave redacted as [name], as the web form's do; each child keeps its own number
    assert [row[5:] for row in rows[1:6]] == [
        ["[name]", "", ""],
        ["", "[name]", "1"],
        ["[name]", "", ""],
        ["", "[name]", "1"],
        ["", "[name]", "2"],
    ]
    assert len(rows) == 1 + 6 * 5


def test_a_resend_of_an_instance_with_repeats_stores_nothing_new(client, base):
    instance = fill(download_xform(client, base, "families"), FAMILY, str(uuid.uuid4()))
    assert submit(client, base, instance).status_code == 201
    again = submit(client, base, instance)
    assert again.status_code == 202 and count(Response) == 1 and stored_rows() == STORED


def test_an_edit_that_drops_a_woman_keeps_every_instance_of_the_earlier_version_as_its_revision(client, base):
    xform, original = download_xform(client, base, "families"), str(uuid.uuid4())
    assert submit(client, base, fill(xform, FAMILY, original)).status_code == 201
    fewer = fill(xform, {**FAMILY, "woman": FAMILY["woman"][1:]}, original)  # Eva alone, with her two children
    edit, _edited_id = edit_of(fewer, original)
    response = submit(client, base, edit)
    assert response.status_code == 201, message(response)
    assert [row for row in stored_rows() if row[0] != "child_number"] == [
        ("child_name", "1", 1, "Mia"),
        ("child_name", "1", 2, "Noa"),
        ("village", "", 0, "Alto"),
        ("woman_name", "", 1, "Eva"),
    ]
    [revision] = _db.session.scalars(select(ResponseRevision)).all()
    assert revision.answers == {
        "village": "Alto",
        "woman_name.1": "Ana",
        "woman_name.2": "Eva",
        "child_name.1.1": "Leo",
        "child_name.2.1": "Mia",
        "child_name.2.2": "Noa",
        "child_number.1.1": "1",
        "child_number.2.1": "1",
        "child_number.2.2": "2",
    }


def test_jr_template_elements_sent_along_are_not_taken_for_instances(client, base):
    instance = fill(download_xform(client, base, "families"), FAMILY, str(uuid.uuid4()), keep_templates=True)
    assert instance.count(b'jr:template=""') == 4  # the woman's and the child's in it, and the child's in each woman
    assert submit(client, base, instance).status_code == 201
    assert stored_rows() == STORED


def test_answers_in_a_group_inside_an_instance_and_a_fixed_count_of_inner_instances_are_read(client, base):
    import_survey(WOMEN, publish=True)
    _db.session.commit()
    visits = [{"visit_place": "clinic"}, {"visit_place": "school"}]
    women = [
        {"woman_age": "30", "visit_count": "2", "visit": visits},
        {"woman_age": "41", "visit_count": "2", "visit": visits},
    ]
    xform = download_xform(client, base, "women")
    response = submit(client, base, fill(xform, {"women": "2", "woman": women}, str(uuid.uuid4())))
    assert response.status_code == 201, message(response)
    assert [row for row in stored_rows() if row[0] != "women"] == [
        ("visit_place", "1", 1, "clinic"),
        ("visit_place", "1", 2, "school"),
        ("visit_place", "2", 1, "clinic"),
        ("visit_place", "2", 2, "school"),
        ("woman_age", "", 1, "30"),
        ("woman_age", "", 2, "41"),
    ]
    none = submit(client, base, fill(xform, {"women": "0"}, str(uuid.uuid4())))  # the repeat does not apply
    assert none.status_code == 201, message(none)


def test_a_repeat_that_does_not_apply_sent_emptied_is_dropped_but_one_holding_answers_is_refused(client, base):
    import_survey(WOMEN, publish=True)
    _db.session.commit()
    xform = download_xform(client, base, "women")
    emptied = submit(client, base, fill(xform, {"women": "0", "woman": [{}]}, str(uuid.uuid4())))
    assert emptied.status_code == 201, message(emptied)
    assert stored_rows() == [("women", "", 0, "0")]
    answered = submit(client, base, fill(xform, {"women": "0", "woman": [{"woman_age": "30"}]}, str(uuid.uuid4())))
    assert answered.status_code == 400
    assert message(answered).startswith("woman: instances sent: 1, where the form asks for 0: ")
    assert count(Response) == 1


def test_sum_and_count_over_the_instances_collect_sends_are_worked_out_and_checked(client, base):
    import_survey(MEMBERS, publish=True)
    _db.session.commit()
    xform = download_xform(client, base, "members")
    members = [{"member_name": "Ana", "member_age": "40"}, {"member_name": "Luis", "member_age": "9"}]
    response = submit(client, base, fill(xform, {"member": members, "adults": "1"}, str(uuid.uuid4())))
    assert response.status_code == 201, message(response)
    assert {row[0]: row[3] for row in stored_rows() if row[2] == 0} == {
        "total_age": "49",
        "members": "2",
        "adults": "1",
    }
    too_many = submit(client, base, fill(xform, {"member": members, "adults": "3"}, str(uuid.uuid4())))
    assert too_many.status_code == 400 and message(too_many) == "adults: More adults than members"


def test_a_sum_over_an_answer_that_does_not_apply_is_stored_as_collect_works_it_out(client, base):
    import_survey(REPEAT_CASES["forms"]["earners"], publish=True)
    _db.session.commit()
    xform = download_xform(client, base, "earners")
    ana = {"member_name": "Ana", "works": "yes", "income": "100"}
    for luis in ({"member_name": "Luis", "works": "no"}, {"member_name": "Luis", "works": "no", "income": "50"}):
        # Collect leaves out Luis's income, which no longer applies; a client may send what was typed before
        sent = fill(xform, {"member": [ana, luis], "total_income": "NaN"}, str(uuid.uuid4()))
        response = submit(client, base, sent)
        assert response.status_code == 201, message(response)
    rows = stored_rows()
    assert [row[3] for row in rows if row[0] == "total_income"] == ["NaN", "NaN"]
    assert [row[3] for row in rows if row[0] == "income"] == ["100", "100"]


def test_a_household_larger_than_the_web_forms_repeat_count_limit_is_stored_whole(client, base):
    import_survey(MEMBERS, publish=True)
    _db.session.commit()
    members = [{"member_name": f"Member {n}", "member_age": "1"} for n in range(1, 61)]  # Collect sets no limit
    sent = fill(download_xform(client, base, "members"), {"member": members, "adults": "2"}, str(uuid.uuid4()))
    response = submit(client, base, sent)
    assert response.status_code == 201, message(response)
    assert {row[0]: row[3] for row in stored_rows() if row[2] == 0}["total_age"] == "60"
    assert len([row for row in stored_rows() if row[0] == "member_name"]) == 60
    answers = {"size": "60", "child": [{"child_age": "1"} for _ in range(60)]}  # a counted repeat too
    response = submit(client, base, fill(download_xform(client, base, "counted"), answers, str(uuid.uuid4())))
    assert response.status_code == 201, message(response)


@pytest.mark.parametrize(("children", "sent"), [(3, "3"), (1, "1")])
def test_instances_that_disagree_with_the_repeat_count_are_refused_whole(client, base, children, sent):
    answers = {"size": "2", "child": [{"child_age": str(10 - n)} for n in range(children)]}
    response = submit(client, base, fill(download_xform(client, base, "counted"), answers, str(uuid.uuid4())))
    assert response.status_code == 400
    assert (
        message(response)
        == f"child: instances sent: {sent}, where the form asks for 2: none was stored, so that none is lost"
    )
    assert count(Response) == 0


def test_an_instance_breaking_its_constraint_is_refused_with_the_survey_s_message(client, base):
    answers = {"size": "2", "child": [{"child_age": "5"}, {"child_age": "9"}]}
    response = submit(client, base, fill(download_xform(client, base, "counted"), answers, str(uuid.uuid4())))
    assert response.status_code == 400
    assert message(response) == "child_age.2: List the children from the oldest"
    assert count(Response) == 0


def test_a_nested_instance_missing_a_required_answer_is_named_by_its_path(client, base):
    family = {"woman": [FAMILY["woman"][0], {"woman_name": "Eva", "child": [{"child_name": "Mia"}, {}]}]}
    response = submit(client, base, fill(download_xform(client, base, "families"), family, str(uuid.uuid4())))
    assert response.status_code == 400 and message(response).startswith("child_name.2.2: ")
    assert count(Response) == 0


def test_the_sync_api_refuses_instances_rather_than_dropping_them(base):
    version = _db.session.scalars(select(SurveyVersion.version).join(Survey).where(Survey.slug == "families")).one()
    record = {
        "uuid": str(uuid.uuid4()),
        "survey": "families",
        "version": version,
        "language": "en",
        "answers": {"village": "Alto"},
        "instances": {"woman": [{"woman_name": "Ana"}]},
    }
    result = ingest_record(record, user=None, device=None, source="api")
    assert result.status == "invalid" and "instances" in result.errors and count(Response) == 0
