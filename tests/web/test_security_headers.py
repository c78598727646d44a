"""Headers and cookies: HTTPS enforced in production, nothing sensitive cached, cookies kept to this site."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from survey.extensions import db
from survey.models import Role, Testimonial
from survey.services.users import create_user
from tests.conftest import PASSWORD, csrf_token, form_data

HSTS = "Strict-Transport-Security"


@pytest.fixture
def production_app(make_app):
    """A production app on an in-memory database with one evaluator."""
    application = make_app(
        "production", SECRET_KEY="a-long-random-production-secret", SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    with application.app_context():
        upgrade()
        create_user("evaluator@voces.example", PASSWORD, Role.EVALUATOR)
        db.session.commit()
    return application


def _log_in_remembered(client):
    https = "https://voces.example"
    token = csrf_token(client.get("/auth/login", base_url=https).get_data(as_text=True))
    data = {"email": "evaluator@voces.example", "password": PASSWORD, "remember": "y", "csrf_token": token}
    referer = {"Referer": f"{https}/auth/login"}  # Flask-WTF checks it over HTTPS
    response = client.post("/auth/login", data=data, base_url=https, headers=referer)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_production_tells_browsers_to_use_https_only(production_app):
    with production_app.app_context():
        response = production_app.test_client().get("/healthz", base_url="https://voces.example")
    assert response.headers[HSTS].startswith("max-age=31536000")


@pytest.mark.parametrize("config", ["development", "testing"])
def test_development_and_tests_do_not_pin_https(make_app, config):
    application = make_app(config, SQLALCHEMY_DATABASE_URI="sqlite://")
    with application.app_context():
        assert HSTS not in application.test_client().get("/healthz").headers


def test_production_cookies_are_secure_httponly_and_same_site(production_app):
    with production_app.app_context():
        cookies = _log_in_remembered(production_app.test_client()).headers.getlist("Set-Cookie")
    by_name = {cookie.split("=")[0]: cookie for cookie in cookies}
    for name in ("session", "remember_token"):
        assert "; Secure" in by_name[name]
        assert "; HttpOnly" in by_name[name]
        assert "; SameSite=Lax" in by_name[name]


def test_the_remember_cookie_is_same_site_in_development_too(client, make_user):
    user = make_user(Role.EVALUATOR)
    data = {"email": user.email, "password": PASSWORD, "remember": "y"}
    cookies = client.post("/auth/login", data=data).headers.getlist("Set-Cookie")
    [remember] = [cookie for cookie in cookies if cookie.startswith("remember_token=")]
    assert "; SameSite=Lax" in remember and "; HttpOnly" in remember


@pytest.mark.parametrize(
    "role, url", [(Role.EVALUATOR, "/evaluate/"), (Role.ADMIN, "/admin/"), (Role.FIELD_WORKER, "/field/")]
)
def test_pages_of_logged_in_people_are_never_stored(make_user, login, example_survey, role, url):
    response = login(make_user(role)).get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "role, url",
    [(Role.EVALUATOR, "/evaluate/community-safety/testimonials/{}"), (Role.ADMIN, "/admin/testimonials/{}/raw")],
)
def test_testimonies_and_raw_text_are_never_stored(make_user, login, make_response, db, role, url):
    make_response()
    testimonial = db.session.scalars(select(Testimonial)).first()
    response = login(make_user(role)).get(url.format(testimonial.id))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_residents_answers_and_receipt_are_never_stored(client, example_survey):
    refused = client.post("/s/community-safety", data=form_data(safe_at_night="9"))
    assert refused.status_code == 200 and "There are more shootings" in refused.get_data(as_text=True)
    assert refused.headers["Cache-Control"] == "no-store"
    thanks = client.get(client.post("/s/community-safety", data=form_data()).headers["Location"])
    assert thanks.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client):
    static = client.get("/static/js/field/service-worker.js")
    static.close()
    assert static.headers["Cache-Control"] == "no-cache"
    assert client.get("/field/sw.js").headers["Cache-Control"] == "no-cache"
