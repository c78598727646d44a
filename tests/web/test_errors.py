"""Error pages in both languages, the upload limit, and CSRF on every form."""

from __future__ import annotations

import pytest
from flask import Flask, abort

from survey.models import Role
from tests.conftest import csrf_token, form_data


@pytest.mark.parametrize(
    ("code", "english", "spanish"),
    [
        (400, "Something in the request was wrong", "Algo en la solicitud no era correcto"),
        (403, "You cannot see this page", "No puede ver esta página"),
        (404, "Page not found", "Página no encontrada"),
        (413, "What you sent is too large", "Lo que envió es demasiado grande"),
        (500, "Something went wrong on our side", "Algo salió mal de nuestro lado"),
    ],
)
def test_error_pages_in_both_languages(code, english, spanish, make_app):
    app = make_app("testing", PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule(f"/boom/{code}", f"boom{code}", lambda: abort(code))
    client = app.test_client()
    for lang, text in (("en", english), ("es", spanish)):
        response = client.get(f"/boom/{code}?lang={lang}")
        assert response.status_code == code
        assert text in response.get_data(as_text=True)


def test_an_unexpected_exception_gets_the_500_page(make_app):
    app = make_app("testing", PROPAGATE_EXCEPTIONS=False)

    def fail() -> str:
        raise RuntimeError("bug")

    app.add_url_rule("/fail", "fail", fail)
    response = app.test_client().get("/fail")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_oversize_post_gets_413(client, example_survey, app: Flask):
    body = form_data(change_story="x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    response = client.post("/s/community-safety", data=body)
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("url", ["/s/community-safety", "/auth/login", "/auth/logout"])
def test_every_form_refuses_a_post_without_its_csrf_token(url, csrf_app, example_survey):
    client = csrf_app.test_client()
    response = client.post(url, data=form_data() | {"email": "a@b.org", "password": "x"})
    assert response.status_code == 400
    assert "Something in the request was wrong" in response.get_data(as_text=True)


def test_resident_form_accepts_its_own_csrf_token(csrf_app, example_survey):
    client = csrf_app.test_client()
    token = csrf_token(client.get("/s/community-safety").get_data(as_text=True))
    assert client.post("/s/community-safety", data=form_data() | {"csrf_token": token}).status_code == 302


def test_login_accepts_its_own_csrf_token(csrf_app, make_user):
    user = make_user(Role.EVALUATOR)
    client = csrf_app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"email": user.email, "password": "correct horse battery", "csrf_token": token}
    )
    assert response.status_code == 302
