"""Lead evaluators: evaluators who keep the codebook and run agreement rounds, and administer nothing else."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AgreementRound, AuditEvent, Code, Role, User
from survey.services.agreement import possible_coders
from tests.conftest import count


def test_a_lead_evaluator_is_an_evaluator_and_not_an_administrator(make_user):
    lead = make_user(Role.LEAD_EVALUATOR)
    assert lead.has_role(Role.EVALUATOR)
    assert lead.has_role(Role.LEAD_EVALUATOR)
    assert not lead.has_role(Role.ADMIN)
    assert not lead.has_role(Role.FIELD_WORKER)
    assert not make_user(Role.EVALUATOR).has_role(Role.LEAD_EVALUATOR)


def test_a_lead_evaluator_grows_the_codebook_and_draws_a_round(client, login, db, make_user, make_response):
    for site in ("tumaco", "guaviare"):
        make_response(site=site)
    coders = [make_user(Role.EVALUATOR, "coder-a@voces.example"), make_user(Role.EVALUATOR, "coder-b@voces.example")]
    lead = make_user(Role.LEAD_EVALUATOR, "lead@voces.example")
    login(lead)

    response = client.post("/admin/codes", data={"key": "street_lighting", "label_en": "Street lighting"})
    assert response.status_code == 302
    assert db.session.scalars(select(Code.key)).all() == ["street_lighting"]

    form = client.get("/admin/agreement").get_data(as_text=True)
    assert "coder-a@voces.example" in form
    data = {"name": "Pilot", "survey": "community-safety", "size": 2, "coders": [str(c.id) for c in coders]}
    assert client.post("/admin/agreement", data=data).status_code == 302
    assert count(AgreementRound) == 1
    actors = db.session.scalars(
        select(AuditEvent.actor_id)
        .where(AuditEvent.action.in_(["add_code", "create_agreement_round"]))
        .order_by(AuditEvent.id)
    ).all()
    assert actors == [lead.id, lead.id]

    for refused in ("/admin/", "/admin/users", "/admin/audit", "/admin/refi-qda", "/field/"):
        assert client.get(refused).status_code == 403, refused


def test_a_lead_evaluator_finds_the_codebook_and_rounds_in_the_menu(client, login, make_user):
    login(make_user(Role.LEAD_EVALUATOR))
    page = client.get("/evaluate/?lang=es").get_data(as_text=True)
    assert 'href="/admin/codes"' in page and 'href="/admin/agreement"' in page
    assert 'href="/admin/"' not in page  # no way into the rest of administration
    codes = client.get("/admin/codes").get_data(as_text=True)
    assert "/admin/refi-qda" not in codes  # importing a project stays with administrators


def test_an_evaluator_has_no_codebook_in_the_menu(client, login, make_user):
    login(make_user(Role.EVALUATOR))
    page = client.get("/evaluate/").get_data(as_text=True)
    assert 'href="/admin/codes"' not in page and 'href="/admin/agreement"' not in page


def test_an_administrator_makes_someone_a_lead_evaluator_in_spanish(client, login, db, make_user):
    person = make_user(Role.EVALUATOR, "ana@voces.example")
    login(make_user(Role.ADMIN))
    response = client.post(f"/admin/users/{person.id}/role?lang=es", data={"role": "lead_evaluator"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).role is Role.LEAD_EVALUATOR
    page = client.get("/admin/users?lang=es").get_data(as_text=True)
    assert "Evaluador(a) principal" in page


def test_lead_evaluators_may_be_asked_to_code_a_round(make_user):
    evaluator, lead = make_user(Role.EVALUATOR, "b@voces.example"), make_user(Role.LEAD_EVALUATOR, "a@voces.example")
    make_user(Role.ADMIN, "c@voces.example")
    make_user(Role.FIELD_WORKER, "d@voces.example")
    assert [p.id for p in possible_coders()] == [lead.id, evaluator.id]
