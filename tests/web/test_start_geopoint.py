"""Where an interview began (an XLSForm's start-geopoint row): read, asked for, stored, exported to the team only."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey.models import Response, Role
from survey.questionnaire import parse_definition
from survey.services.devices import register_device
from survey.services.submissions import Submission, record_submission
from survey.services.surveys import export_xlsform, import_survey, read_survey
from survey.services.xforms import xform_for
from tests.conftest import GOOD_ANSWERS, form_data
from tests.services.test_xlsform import write_xlsform
from tests.web.test_api import post as post_records
from tests.web.test_api import record
from tests.web.test_openrosa import download_xform, fill, submit

ROWS = [
    {"type": "start-geopoint", "name": "where_we_began", "label": ""},
    {"type": "text", "name": "street", "label": "Which street?"},
]
POINT = "1.8067 -78.7645 12.5 8.0"


@pytest.fixture
def located(example_survey, db):
    """The example survey, its form asking where each interview began."""
    example_survey.definition = {**example_survey.definition, "metadata": ["start-geopoint"]}
    db.session.commit()
    return example_survey


@pytest.fixture
def token(make_user, db):
    _, made = register_device(make_user(Role.FIELD_WORKER), "tablet 1")
    db.session.commit()
    return made


def _stored(db) -> Response:
    return db.session.scalars(select(Response)).one()


def _start(response: Response) -> tuple[float | None, ...]:
    return (response.start_latitude, response.start_longitude, response.start_altitude, response.start_accuracy)


def test_a_start_geopoint_row_is_read_as_metadata_and_written_back(tmp_path, db):
    path = write_xlsform(tmp_path / "walk.xlsx", survey=ROWS, choices=[], settings={"form_id": "walk"})
    read = read_survey(path)
    assert read.definition["metadata"] == ["start-geopoint"]
    assert [q["name"] for q in read.definition["questions"]] == ["street"]
    assert any("start-geopoint is metadata" in w for w in read.warnings)
    version = import_survey(read.definition, publish=True)
    db.session.commit()
    assert parse_definition(version.definition).asks_start_location
    exported = tmp_path / "back.xlsx"
    export_xlsform("walk", exported)
    types = [row[0] for row in load_workbook(exported)["survey"].iter_rows(min_row=2, values_only=True)]
    assert "start-geopoint" in types


def test_a_form_that_adds_the_row_becomes_a_new_version(tmp_path, db):
    plain = write_xlsform(tmp_path / "walk.xlsx", survey=ROWS[1:], choices=[], settings={"form_id": "walk"})
    first = import_survey(read_survey(plain).definition)
    located = write_xlsform(tmp_path / "walk2.xlsx", survey=ROWS, choices=[], settings={"form_id": "walk"})
    second = import_survey(read_survey(located).definition)
    db.session.commit()
    assert second.id != first.id and second.definition["metadata"] == ["start-geopoint"]


def test_the_xform_has_collect_set_the_location_when_the_form_is_first_opened(located):
    xml = xform_for(located).xml
    assert '<odk:setgeopoint ref="/data/start-geopoint" event="odk-instance-first-load"/>' in xml
    assert '<bind nodeset="/data/start-geopoint" type="geopoint"/>' in xml


def test_the_web_form_asks_the_browser_only_when_the_form_has_the_row(client, example_survey, located, db):
    page = client.get("/s/community-safety").get_data(as_text=True)
    assert 'name="start_geopoint"' in page and "data-start-geopoint" in page and "js/geopoint.js" in page
    located.definition = {**located.definition, "metadata": []}
    db.session.commit()
    page = client.get("/s/community-safety").get_data(as_text=True)
    assert 'name="start_geopoint"' not in page and "js/geopoint.js" not in page


def test_the_web_form_stores_the_start_location_and_ignores_what_is_not_one(client, located, db):
    found, refused = form_data(), form_data(change_story="The lights went out.")
    for data, point in ((found, POINT), (refused, "north")):
        assert (
            client.post("/s/community-safety", data=data | {"step": "send", "start_geopoint": point}).status_code == 302
        )
    by_uuid = {r.uuid: r for r in db.session.scalars(select(Response))}
    assert _start(by_uuid[found["uuid"]]) == (1.8067, -78.7645, 12.5, 8.0)
    assert _start(by_uuid[refused["uuid"]]) == (None, None, None, None)  # refused or unknown: silently empty


def test_the_web_form_keeps_no_location_for_a_form_without_the_row(client, example_survey, db):
    response = client.post("/s/community-safety", data=form_data() | {"step": "send", "start_geopoint": POINT})
    assert response.status_code == 302
    assert _start(_stored(db)) == (None, None, None, None)


def test_collect_submissions_keep_where_the_interview_began(client, located, token, db):
    base = f"/openrosa/{token}"
    xform = download_xform(client, base)
    instance_id = str(uuid.uuid4())
    response = submit(client, base, fill(xform, GOOD_ANSWERS | {"start-geopoint": POINT}, instance_id))
    assert response.status_code == 201, response.data
    stored = _stored(db)
    assert _start(stored) == (1.8067, -78.7645, 12.5, 8.0)
    assert "start-geopoint" not in {a.question for a in stored.answers}


def test_a_collect_submission_without_a_location_is_stored_all_the_same(client, located, token, db):
    base = f"/openrosa/{token}"
    xform = download_xform(client, base)
    response = submit(client, base, fill(xform, GOOD_ANSWERS | {"start-geopoint": "garbage"}, str(uuid.uuid4())))
    assert response.status_code == 201, response.data
    assert _start(_stored(db)) == (None, None, None, None)


def test_a_tablet_record_carries_the_start_location_and_a_wrong_one_is_named(client, located, token, db):
    [result] = post_records(client, token, [record(version=located.version, start_geopoint=POINT)]).json["results"]
    assert result["status"] == "created"
    assert _start(_stored(db)) == (1.8067, -78.7645, 12.5, 8.0)
    [wrong] = post_records(client, token, [record(version=located.version, start_geopoint="95 10")]).json["results"]
    assert wrong["status"] == "invalid" and "start_geopoint" in wrong["errors"]


def _responses(located, n: int, point: tuple[float, float, float, float] | None) -> None:
    definition = parse_definition(located.definition)
    for i in range(n):
        answers = GOOD_ANSWERS | {"change_story": f"The clinic closed, ward {i}."}
        submission = Submission(str(uuid.uuid4()), located, definition, answers, "en", start_point=point)
        record_submission(submission)


def test_an_administrators_team_export_carries_the_start_location_and_no_other_export_does(
    client, located, make_user, login, db
):
    _responses(located, 4, (1.8067, -78.7645, 12.5, 8.0))
    _responses(located, 1, None)
    db.session.commit()
    admin = login(make_user(Role.ADMIN))
    team = list(csv.DictReader(io.StringIO(admin.get("/evaluate/community-safety/export.csv").get_data(True))))
    assert len(team) == 5
    assert sorted(r["_start_geopoint"] for r in team) == ["", *["1.8067 -78.7645 12.5 8.0"] * 4]
    assert {r["_start_geopoint_accuracy"] for r in team} == {"", "8.0"}
    published = admin.get("/evaluate/community-safety/export.csv?for=publication").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(published)))
    assert not [c for c in header if c.startswith("_start_geopoint")] and "-78.7645" not in published
    admin.post("/auth/logout")
    evaluator = login(make_user(Role.EVALUATOR))  # where a resident was interviewed is their home, often
    team = evaluator.get("/evaluate/community-safety/export.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(team)))
    assert "_username" in header and not [c for c in header if c.startswith("_start_geopoint")]
    assert "-78.7645" not in team


def test_a_survey_without_the_row_exports_no_start_location_columns(client, make_response, make_user, login):
    for n in range(5):
        make_response(change_story=f"The clinic closed, ward {n}.")
    evaluator = login(make_user(Role.EVALUATOR))
    header = next(csv.reader(io.StringIO(evaluator.get("/evaluate/community-safety/export.csv").get_data(True))))
    assert "_username" in header and not [c for c in header if c.startswith("_start_geopoint")]
