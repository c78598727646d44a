"""Agreement rounds on the web: the lead draws and reads a round, coders code blind and mark testimonies coded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import AgreementRound, AuditEvent, Role, RoundDecision, RoundDone, TagSource, Testimonial
from survey.services.agreement import create_round
from survey.services.coding import code_passage
from survey.services.corrections import correct_themes
from tests.conftest import count

STORY = "There are more shootings at night and the clinic closed."


@pytest.fixture
def stories(db, make_response):
    for site in ["tumaco", "tumaco", "guaviare"]:
        make_response(site=site, change_story=STORY, what_would_help="")
    return list(db.session.scalars(select(Testimonial).order_by(Testimonial.id)))


@pytest.fixture
def people(make_user):
    return {
        "a": make_user(Role.EVALUATOR, "coder-a@voces.example"),
        "b": make_user(Role.EVALUATOR, "coder-b@voces.example"),
        "other": make_user(Role.EVALUATOR, "other@voces.example"),
        "lead": make_user(Role.ADMIN, "lead@voces.example"),
    }


def _round(db, stories, people, hide_machine=False):
    survey = stories[0].response.survey_version.survey
    agreement = create_round(survey, "Pilot", 3, [people["a"], people["b"]], people["lead"], hide_machine=hide_machine)
    db.session.commit()
    return agreement


def _page(client, story):
    return client.get(f"/evaluate/community-safety/testimonials/{story.id}").get_data(as_text=True)


def test_the_lead_draws_a_round_of_two_coders_or_more(client, login, db, stories, people):
    login(people["lead"])
    form = client.get("/admin/agreement").get_data(as_text=True)
    assert "coder-a@voces.example" in form and "lead@voces.example" not in form  # evaluators only
    one = {"name": "Pilot", "survey": "community-safety", "size": 2, "coders": [str(people["a"].id)]}
    response = client.post("/admin/agreement", data=one)
    assert response.status_code == 200 and "Choose at least two coders." in response.get_data(as_text=True)
    assert count(AgreementRound) == 0
    two = {**one, "coders": [str(people["a"].id), str(people["b"].id)], "hide_machine": "y"}
    response = client.post("/admin/agreement", data=two)
    assert response.status_code == 302
    agreement = db.session.scalars(select(AgreementRound)).one()
    assert agreement.hide_machine and len(agreement.items) == 2
    assert sorted(i.testimonial.response.site.slug for i in agreement.items) == ["guaviare", "tumaco"]
    assert {c.user_id for c in agreement.coders} == {people["a"].id, people["b"].id}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create_agreement_round")) is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pilot" in page and "Cohen's kappa" in page


def test_a_coder_sees_neither_the_other_coder_s_codes_nor_hidden_machine_tags(client, login, db, stories, people):
    agreement = _round(db, stories, people, hide_machine=True)
    story = agreement.items[0].testimonial
    code_passage(story, ["safety"], 0, 9, people["a"])
    code_passage(story, ["trust"], 10, 20, people["b"])
    db.session.commit()
    login(people["b"])
    page = _page(client, story)
    assert 'data-codes="trust"' in page and 'data-codes="safety"' not in page
    assert "coder-a@voces.example" not in page
    assert "data-themes=" not in page and "Why these tags" not in page  # the machine's tags are hidden too
    assert "Correct the themes" not in page  # its boxes would show others' decisions
    assert "Mark this testimony coded" in page
    client.post("/auth/logout")
    login(people["other"])  # not a coder of the round: sees everything
    page = _page(client, story)
    assert 'data-codes="safety"' in page and 'data-codes="trust"' in page and "Why these tags" in page


def test_a_coder_sees_the_machine_s_tags_unless_the_round_hides_them_and_all_once_closed(
    client, login, db, stories, people
):
    agreement = _round(db, stories, people)
    story = agreement.items[0].testimonial
    code_passage(story, ["safety"], 0, 9, people["a"])
    db.session.commit()
    login(people["b"])
    page = _page(client, story)
    assert "Why these tags" in page and "data-themes=" in page
    assert 'data-codes="safety"' not in page
    client.post("/auth/logout")
    login(people["lead"])
    assert client.post(f"/admin/agreement/{agreement.id}/close").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "close_agreement_round")) is not None
    client.post("/auth/logout")
    login(people["b"])
    assert 'data-codes="safety"' in _page(client, story)


def test_a_coder_marks_their_testimonies_coded_from_the_assignments(client, login, db, stories, people):
    agreement = _round(db, stories, people)
    item = agreement.items[0]
    login(people["a"])
    page = client.get("/evaluate/assignments").get_data(as_text=True)
    assert "Pilot" in page and f"/testimonials/{item.testimonial_id}" in page
    url = f"/evaluate/assignments/{agreement.id}/items/{item.id}/done"
    assert client.post(url).status_code == 302
    assert [(d.item_id, d.coder_id) for d in db.session.scalars(select(RoundDone))] == [(item.id, people["a"].id)]
    assert "You have marked this testimony coded." in _page(client, item.testimonial)
    client.post("/auth/logout")
    login(people["other"])
    assert client.post(url).status_code == 403  # not a coder of the round
    assert "No agreement round is assigned to you." in client.get("/evaluate/assignments").get_data(as_text=True)


def test_every_agreement_form_needs_the_csrf_token(client, login, db, stories, people, app, monkeypatch):
    agreement = _round(db, stories, people)
    item = agreement.items[0]
    login(people["a"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client.post(f"/evaluate/assignments/{agreement.id}/items/{item.id}/done")
    assert count(RoundDone) == 0
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # to log in
    login(people["lead"])
    assert client.get("/admin/agreement").status_code == 200
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    coders = [str(people["a"].id), str(people["b"].id)]
    client.post("/admin/agreement", data={"name": "X", "survey": "community-safety", "size": 1, "coders": coders})
    client.post(f"/admin/agreement/{agreement.id}/decisions", data={"item": item.id, "code": "safety", "present": "no"})
    client.post(f"/admin/agreement/{agreement.id}/close")
    db.session.expire_all()
    assert count(AgreementRound) == 1 and count(RoundDecision) == 0 and agreement.is_open


def test_the_lead_lists_the_disagreements_and_records_the_agreed_version(client, login, db, stories, people):
    agreement = _round(db, stories, people)
    item = agreement.items[0]
    code_passage(item.testimonial, ["safety"], 0, 9, people["a"])
    db.session.commit()
    for coder in ("a", "b"):
        login(people[coder])
        client.post(f"/evaluate/assignments/{agreement.id}/items/{item.id}/done")
        client.post("/auth/logout")
    login(people["lead"])
    page = client.get(f"/admin/agreement/{agreement.id}").get_data(as_text=True)
    disagreements = page[page.index('id="disagreements"') :]
    assert f"Testimony {item.testimonial_id}" in disagreements and "coder-a@voces.example" in disagreements
    data = {"item": item.id, "code": "safety", "present": "no"}
    assert client.post(f"/admin/agreement/{agreement.id}/decisions", data=data).status_code == 302
    decision = db.session.scalars(select(RoundDecision)).one()
    assert (decision.item_id, decision.code_key, decision.present) == (item.id, "safety", False)
    other = create_round(agreement.survey, "Other", 1, [people["a"], people["b"]], people["lead"])
    db.session.commit()
    elsewhere = {**data, "item": other.items[0].id}
    assert client.post(f"/admin/agreement/{agreement.id}/decisions", data=elsewhere).status_code == 404


def test_the_round_pages_speak_spanish(client, login, db, stories, people):
    agreement = _round(db, stories, people)
    login(people["lead"])
    page = client.get(f"/admin/agreement/{agreement.id}?lang=es").get_data(as_text=True)
    assert "Desacuerdos para discutir" in page and "Alfa de Krippendorff" in page
    client.post("/auth/logout")
    login(people["a"])
    page = client.get("/evaluate/assignments?lang=es").get_data(as_text=True)
    assert "Mis asignaciones de codificación" in page
    page = client.get(f"/evaluate/community-safety/testimonials/{agreement.items[0].testimonial_id}?lang=es").get_data(
        as_text=True
    )
    assert "Marcar este testimonio como codificado" in page


def test_a_coder_coding_blind_sees_the_machine_s_evidence_whatever_others_decided(client, login, db, stories, people):
    agreement = _round(db, stories, people)
    story = agreement.items[0].testimonial
    assert any(t.source == TagSource.MACHINE and t.theme == "safety" for t in story.tags)
    offered = [t.theme for t in story.tags if "." not in t.theme]
    correct_themes(story, [t for t in offered if t != "safety"], offered, people["other"])  # another's "no"
    db.session.commit()
    login(people["b"])
    page = _page(client, story)
    assert 'data-themes="safety' in page and "overruled by a person" not in page
    client.post("/auth/logout")
    login(people["other"])
    page = _page(client, story)
    assert 'data-themes="safety' not in page and "overruled by a person" in page


def test_the_agreed_version_shows_on_the_testimony_page_once_recorded(client, login, db, stories, people):
    agreement = _round(db, stories, people)
    item = agreement.items[0]
    code_passage(item.testimonial, ["trust"], 0, 9, people["a"])
    db.session.commit()
    login(people["lead"])
    data = {"item": item.id, "code": "trust", "present": "yes"}
    assert client.post(f"/admin/agreement/{agreement.id}/decisions", data=data).status_code == 302
    client.post(f"/admin/agreement/{agreement.id}/close")
    client.post("/auth/logout")
    login(people["other"])
    page = _page(client, item.testimonial)
    table = page[page.index('id="coding"') :]
    assert "lead@voces.example" in table and "the agreed version of an agreement round" in table
    assert f"0–{len(item.testimonial.redacted_text)}" in table
