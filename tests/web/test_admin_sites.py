"""Administrators list, add and edit sites; residents choose from them."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent, Role, Site
from survey.services.sites import get_site
from tests.conftest import PASSWORD, count, csrf_token

NEW_SITE = {"slug": "quibdo", "name": "Quibdó", "region": "Chocó", "country": "CO"}


def test_an_added_site_is_offered_to_residents_and_audited(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    assert "Tumaco" in client.get("/admin/sites").get_data(as_text=True)
    response = client.post("/admin/sites", data=NEW_SITE)
    assert response.status_code == 302
    assert "Quibdó" in client.get("/admin/sites").get_data(as_text=True)
    assert "Quibdó" in client.get("/s/community-safety").get_data(as_text=True)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create_site")).one()
    assert event.target_id == str(get_site("quibdo").id) and event.actor_id is not None


def test_an_edit_changes_the_name_but_never_the_slug(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    page = client.get("/admin/sites/tumaco/edit").get_data(as_text=True)
    assert 'value="Tumaco"' in page
    data = {"slug": "renamed", "name": "San Andrés de Tumaco", "region": "Nariño", "country": "CO"}
    assert client.post("/admin/sites/tumaco/edit", data=data).status_code == 302
    site = get_site("tumaco")
    assert site.name == "San Andrés de Tumaco" and get_site("renamed") is None
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update_site")).one()
    assert client.get("/admin/sites/nowhere/edit").status_code == 404


def test_bad_fields_and_a_taken_slug_are_refused_in_the_persons_language(client, make_user, login, example_survey):
    login(make_user(Role.ADMIN))
    page = client.post("/admin/sites?lang=es", data={**NEW_SITE, "slug": "Bad Slug", "country": "Colombia"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "minúsculas" in text and "dos letras" in text
    taken = client.post("/admin/sites?lang=en", data={**NEW_SITE, "slug": "tumaco"}).get_data(as_text=True)
    assert "Another site has this short name." in taken
    edited = client.post("/admin/sites/tumaco/edit", data={"name": "", "region": "R", "country": "CO"})
    assert "Give the site's name." in edited.get_data(as_text=True)
    assert count(Site) == 6 and get_site("tumaco").name == "Tumaco"


def test_the_forms_carry_a_csrf_token_and_a_post_without_it_is_refused(
    app, client, example_survey, make_user, monkeypatch
):
    admin = make_user(Role.ADMIN)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    assert (
        client.post("/auth/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}).status_code
        == 302
    )
    assert client.post("/admin/sites", data=NEW_SITE).status_code == 400
    token = csrf_token(client.get("/admin/sites").get_data(as_text=True))
    assert client.post("/admin/sites", data={**NEW_SITE, "csrf_token": token}).status_code == 302
    token = csrf_token(client.get("/admin/sites/quibdo/edit").get_data(as_text=True))
    assert client.post("/admin/sites/quibdo/edit", data={**NEW_SITE, "name": "Q"}).status_code == 400
    assert (
        client.post("/admin/sites/quibdo/edit", data={**NEW_SITE, "name": "Q", "csrf_token": token}).status_code == 302
    )
