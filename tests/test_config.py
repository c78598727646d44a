"""Configuration: environments, the secret key, the database address."""

from __future__ import annotations

import pytest

from survey import create_app
from survey.app import InsecureConfigError
from tests import ROOT


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfigError, match="SECRET_KEY"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_starts_with_a_real_secret(make_app):
    app = make_app(
        "production", SECRET_KEY="a-long-random-value-from-the-environment", SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("config", ["development", "production"])
def test_passwords_are_stored_as_scrypt_hashes_outside_the_test_suite(config, make_app):
    from survey.models.user import hash_password

    app = make_app(config, SECRET_KEY="a-long-random-value-from-the-environment", SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        assert hash_password("correct horse battery").startswith("scrypt:")


def test_development_may_use_the_default_secret(tmp_path, make_app):
    app = make_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/dev.db")
    assert app.config["DEBUG"] is True


def test_default_database_is_sqlite_in_instance(monkeypatch, make_app):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    import survey.config.settings as settings

    monkeypatch.setattr(settings.Development, "SQLALCHEMY_DATABASE_URI", "")
    app = make_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{ROOT / 'instance' / 'voces.db'}"  # the checkout's


def test_unknown_environment_is_refused():
    with pytest.raises(ValueError, match="unknown environment"):
        create_app("staging")


def test_upload_limit_is_set(make_app):
    assert make_app("testing").config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


def test_behind_a_proxy_the_forwarded_address_is_used(make_app):
    from flask import request

    app = make_app("testing", PROXY_FIX_HOPS=1)
    app.add_url_rule("/ip", "ip", lambda: request.remote_addr or "")
    seen = app.test_client().get("/ip", headers={"X-Forwarded-For": "203.0.113.7"}).get_data(as_text=True)
    assert seen == "203.0.113.7"


def test_without_a_proxy_forwarded_headers_are_ignored(make_app):
    from flask import request

    app = make_app("testing")
    app.add_url_rule("/ip", "ip", lambda: request.remote_addr or "")
    assert (
        app.test_client().get("/ip", headers={"X-Forwarded-For": "203.0.113.7"}).get_data(as_text=True) == "127.0.0.1"
    )
