"""Teams and survey assignments: a tablet shows only its own surveys; everything else stays as it was."""

from __future__ import annotations

import re

from lxml import etree
from sqlalchemy import select

from survey.models import AuditEvent, Response, Role, SurveyAssignment, Team
from survey.services import teams as teams_service
from survey.services.devices import register_device
from survey.services.teams import assign_survey, collected_by, save_team
from tests.conftest import PASSWORD, csrf_token
from tests.web.test_api import post, record

LIST_NS = {"x": "http://openrosa.org/xforms/xformsList"}


def api_slugs(client, token):
    body = client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"}).get_json()
    return sorted(s["slug"] for s in body["surveys"])


def form_list_slugs(client, token):
    tree = etree.fromstring(client.get(f"/openrosa/{token}/formList").data)
    return sorted(form.findtext("x:formID", namespaces=LIST_NS) for form in tree.findall("x:xform", LIST_NS))


def test_a_survey_given_to_nobody_is_on_every_tablet(client, example_survey, make_user, db):
    _, token = register_device(make_user(Role.FIELD_WORKER), "tablet")
    db.session.commit()
    assert api_slugs(client, token) == ["community-safety"]
    assert form_list_slugs(client, token) == ["community-safety"]


def test_a_survey_given_to_a_team_shows_only_on_its_members_tablets(client, example_survey, make_user, db):
    member, outsider, admin = make_user(Role.FIELD_WORKER), make_user(Role.FIELD_WORKER), make_user(Role.ADMIN)
    team = save_team("Nariño interviewers", [member.id], by=admin)
    assign_survey(example_survey.survey, [team.id], [], by=admin)
    tokens = {who: register_device(user, "tablet")[1] for who, user in [("member", member), ("outsider", outsider)]}
    admin_token = register_device(admin, "admin tablet")[1]
    db.session.commit()
    assert api_slugs(client, tokens["member"]) == ["community-safety"]
    assert api_slugs(client, tokens["outsider"]) == []
    assert api_slugs(client, admin_token) == ["community-safety"]  # administrators see every survey
    assert form_list_slugs(client, tokens["member"]) == ["community-safety"]
    assert form_list_slugs(client, tokens["outsider"]) == []
    assert client.get(f"/openrosa/{tokens['outsider']}/forms/community-safety/form.xml").status_code == 404
    assert client.get(f"/openrosa/{tokens['member']}/forms/community-safety/form.xml").status_code == 200


def test_a_person_can_be_given_a_survey_without_a_team(client, example_survey, make_user, db):
    chosen, other, admin = make_user(Role.FIELD_WORKER), make_user(Role.FIELD_WORKER), make_user(Role.ADMIN)
    assign_survey(example_survey.survey, [], [chosen.id], by=admin)
    db.session.commit()
    surveys = [(example_survey.survey, example_survey)]
    assert collected_by(chosen, surveys) == surveys
    assert collected_by(other, surveys) == []
    assert collected_by(None, surveys) == []


def test_interviews_already_on_a_tablet_are_stored_after_the_survey_is_given_to_others(
    client, example_survey, make_user, db
):
    worker, admin = make_user(Role.FIELD_WORKER), make_user(Role.ADMIN)
    _, token = register_device(worker, "tablet")
    assign_survey(example_survey.survey, [], [admin.id], by=admin)
    db.session.commit()
    [result] = post(client, token, [record(version=example_survey.version)]).get_json()["results"]
    assert result["status"] == "created"
    assert db.session.scalar(select(Response).where(Response.uuid == result["uuid"])) is not None


def test_the_field_page_without_javascript_lists_only_the_workers_surveys(client, example_survey, make_user, login, db):
    member, outsider, admin = make_user(Role.FIELD_WORKER), make_user(Role.FIELD_WORKER), make_user(Role.ADMIN)
    team = save_team("Chilapa team", [member.id], by=admin)
    assign_survey(example_survey.survey, [team.id], [], by=admin)
    db.session.commit()
    page = login(outsider).get("/field/?lang=en").get_data(as_text=True)
    assert "/s/community-safety" not in page
    client.get("/auth/logout")
    page = login(member).get("/field/?lang=en").get_data(as_text=True)
    assert "/s/community-safety" in page


def test_admins_make_teams_and_choose_who_collects_in_english_and_spanish(client, example_survey, make_user, login, db):
    worker, admin = make_user(Role.FIELD_WORKER), make_user(Role.ADMIN)
    login(admin)
    page = client.get("/admin/teams?lang=es").get_data(as_text=True)
    assert "Equipos y encuestas" in page and "Cada trabajador de campo" in page
    # A nameless team is refused, and the chosen members stay ticked.
    refused = client.post("/admin/teams?lang=en", data={"name": " ", "members": [str(worker.id)]})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Give the team a name." in text
    assert re.search(rf'<input checked id="members-\d+" name="members" type="checkbox" value="{worker.id}">', text)
    assert client.post("/admin/teams", data={"name": "Tumaco team", "members": [str(worker.id)]}).status_code == 302
    team = db.session.scalar(select(Team))
    assert [m.email for m in team.members] == [worker.email]
    taken = client.post("/admin/teams?lang=en", data={"name": "Tumaco team"}).get_data(as_text=True)
    assert "Another team has this name." in taken
    saved = client.post("/admin/surveys/community-safety/collectors", data={"teams": [str(team.id)]})
    assert saved.status_code == 302
    rows = db.session.scalars(select(SurveyAssignment)).all()
    assert [(r.team_id, r.user_id) for r in rows] == [(team.id, None)]
    listed = client.get("/admin/teams?lang=en").get_data(as_text=True)
    assert "Tumaco team" in listed and "Every field worker" not in listed
    # Choosing nobody gives the survey back to every field worker.
    assert client.post("/admin/surveys/community-safety/collectors", data={}).status_code == 302
    assert db.session.scalars(select(SurveyAssignment)).all() == []
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("assign_survey") == 2 and "create_team" in actions
    # Renaming and removing.
    assert client.post(f"/admin/teams/{team.id}/edit", data={"name": "Tumaco"}).status_code == 302
    assert db.session.get(Team, team.id).name == "Tumaco" and db.session.get(Team, team.id).members == []
    assert client.post(f"/admin/teams/{team.id}/delete").status_code == 302
    assert db.session.scalar(select(Team)) is None
    assert "delete_team" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_only_field_workers_and_admins_can_be_members(client, example_survey, make_user, login, db):
    evaluator, admin = make_user(Role.EVALUATOR), make_user(Role.ADMIN)
    login(admin)
    page = client.get("/admin/teams?lang=en").get_data(as_text=True)
    assert evaluator.email not in page
    refused = client.post("/admin/teams?lang=en", data={"name": "Odd", "members": [str(evaluator.id)]})
    assert refused.status_code == 200 and db.session.scalar(select(Team)) is None


def test_team_forms_refuse_a_post_without_its_csrf_token(app, client, example_survey, make_user, monkeypatch, db):
    admin = make_user(Role.ADMIN)
    team = save_team("Existing", [], by=admin)
    db.session.commit()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    for url in (
        "/admin/teams",
        f"/admin/teams/{team.id}/edit",
        f"/admin/teams/{team.id}/delete",
        "/admin/surveys/community-safety/collectors",
    ):
        assert client.post(url, data={"name": "X"}).status_code == 400, url
    token = csrf_token(client.get("/admin/teams").get_data(as_text=True))
    assert client.post("/admin/teams", data={"name": "New", "csrf_token": token}).status_code == 302


def test_a_member_who_stopped_collecting_meanwhile_is_named_as_the_problem(
    client, example_survey, make_user, login, db, monkeypatch
):
    worker, admin = make_user(Role.FIELD_WORKER), make_user(Role.ADMIN)
    login(admin)
    page = client.get("/admin/teams?lang=en")  # the form offers the worker...
    assert worker.email in page.get_data(as_text=True)
    monkeypatch.setattr(teams_service, "collectors", lambda: [])  # ...who is deactivated before the save
    refused = client.post("/admin/teams?lang=en", data={"name": "Late", "members": [str(worker.id)]})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Only active field workers and administrators can be in a team." in text
    assert "Another team has this name." not in text and db.session.scalar(select(Team)) is None
