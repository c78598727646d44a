"""Fixtures: the app (schema from the migrations), a client, a CLI runner and builders."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import create_engine, select
from survey.config.settings import Testing

from survey import create_app
from survey.extensions import db as _db
from survey.extensions import limiter
from survey.models import Base, Response, Role, SurveyVersion, Testimonial, User
from survey.questionnaire import parse_definition
from survey.services.codes import add_code
from survey.services.coding import code_passage
from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
from survey.services.memos import write_memo
from survey.services.sites import upsert_sites_from_file
from survey.services.submissions import Submission, record_submission
from survey.services.surveys import import_survey, read_survey, read_survey_file
from survey.services.users import create_user

PASSWORD = "correct horse battery"


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker process gets a PostgreSQL database of its own.

    The suite empties every table after each test, so two workers on one database would empty
    each other's rows. SQLite in memory is already one database per process.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL", "")
    if worker and url.startswith("postgresql"):
        url = _fresh_database(url, worker)
        os.environ["TEST_DATABASE_URL"] = url  # for the processes tests start: Celery workers, the CLI
        Testing.SQLALCHEMY_DATABASE_URI = url


def _fresh_database(url: str, suffix: str) -> str:
    """An empty PostgreSQL database named after url's, with suffix; its URL."""
    base, _, name = url.rpartition("/")
    worker_name = f"{name}_{suffix}"
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{worker_name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{worker_name}"')
    engine.dispose()
    return f"{base}/{worker_name}"


class IsolatedClient(FlaskClient):
    """A test client whose requests do not see each other's per-request caches.

    Tests hold an app context open (for the database), and Flask then reuses it for the client's
    requests, so `g` would carry the locale, the active codebook or the logged-in user from one
    request to the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        for key in ("_flask_babel", "engine", "_login_user"):
            g.pop(key, None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    """One application for the session; its schema is built by running the migrations.

    A database given in TEST_DATABASE_URL may hold rows from another run (a benchmark, a stopped
    suite): the first test starts from empty tables too.
    """
    application = create_app("testing")
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
        _empty_tables()
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app: Flask) -> Iterator[None]:
    """Each test starts with empty tables and fresh rate-limit counters."""
    with app.app_context():
        limiter.reset()
        yield
        _db.session.rollback()
        _empty_tables()


def _empty_tables() -> None:
    for table in reversed(Base.metadata.sorted_tables):
        _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """Build extra apps with other settings; their database connections are closed afterwards."""
    built: list[Flask] = []

    def build(config: str = "testing", **overrides: Any) -> Flask:
        application = create_app(config, **overrides)
        built.append(application)
        return application

    yield build
    for application in built:
        with application.app_context():
            for engine in _db.engines.values():
                engine.dispose()


@pytest.fixture
def db(app: Flask) -> Any:
    """The database extension, inside the test's app context."""
    return _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client with cookies."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs the flask CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def make_user() -> Callable[..., User]:
    """Build an account: make_user(Role.EVALUATOR)."""

    def build(role: Role = Role.EVALUATOR, email: str | None = None) -> User:
        user = create_user(email or f"{role.value}-{uuid.uuid4().hex[:8]}@voces.example", PASSWORD, role)
        _db.session.commit()
        return user

    return build


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Log a user in on the test client."""

    def do(user: User) -> FlaskClient:
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do


@pytest.fixture
def example_survey() -> SurveyVersion:
    """The example survey, published, with the demo sites."""
    upsert_sites_from_file(SITES_FILE)
    version = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
    _db.session.commit()
    return version


@pytest.fixture
def kobo_survey(tmp_path: Any) -> SurveyVersion:
    """The Kobo-style XLSForm of tests/services/test_xlsform.py, imported and published."""
    from tests.services.test_xlsform import write_xlsform  # imported late: pytest rewrites it first

    upsert_sites_from_file(SITES_FILE)
    version = import_survey(read_survey(write_xlsform(tmp_path / "kobo.xlsx")).definition, publish=True)
    _db.session.commit()
    return version


GOOD_ANSWERS: dict[str, str] = {
    "site": "tumaco",
    "age_band": "25-39",
    "safe_at_night": "2",
    "dealing_seen": "4",
    "trust_police": "2",
    "support_access": "1",
    "prevention_involvement": "3",
    "change_story": "There are more shootings at night and the clinic closed.",
    "what_would_help": "A rehab centre for young people.",
    "consent": "quote",
}


@pytest.fixture
def make_response(example_survey: SurveyVersion) -> Callable[..., Response]:
    """Store a response to the example survey: make_response(change_story='...', site='tumaco')."""
    definition = parse_definition(example_survey.definition)

    def build(language: str = "en", **answers: Any) -> Response:
        submission = Submission(
            uuid=str(uuid.uuid4()),
            version=example_survey,
            definition=definition,
            answers={**GOOD_ANSWERS, **answers},
            language=language,
        )
        response = record_submission(submission)
        _db.session.commit()
        return response

    return build


# A testimony that names a person: its raw text must never leave in an export.
NAMED = "Carlos Ramírez told me the clinic closed and the shootings came back."


@pytest.fixture
def coded(make_user: Callable[..., User], make_response: Callable[..., Response]) -> tuple[Any, Any, User]:
    """Five responses, one naming a person; passages coded by two people, memos on each kind of thing."""
    for n in range(4):
        make_response(change_story=f"The clinic closed, ward {n}.", what_would_help="More buses.")
    make_response(change_story=NAMED, what_would_help="")
    alice, bob = make_user(Role.EVALUATOR, "alice@voces.example"), make_user(Role.ADMIN, "bob@voces.example")
    add_code("street_lighting", {"label_en": "Street lighting", "label_es": "Alumbrado"}, bob)
    named = _db.session.scalars(select(Testimonial).where(Testimonial.raw_text == NAMED)).one()
    text = named.redacted_text
    start = text.index("the clinic")
    code_passage(named, ["services", "street_lighting"], start, start + len("the clinic closed"), alice)
    code_passage(named, ["safety"], text.index("shootings"), len(text), bob)
    survey = named.response.survey_version.survey
    write_memo(survey, "project", "Overall: clinics matter.", alice)
    write_memo(survey, f"testimony:{named.id}", "Names a person.", bob)
    write_memo(survey, f"passage:{named.passages[0].id}", "Clinic passage.", alice)
    write_memo(survey, "code:street_lighting", "Lights at night.", bob)
    _db.session.commit()
    return survey, named, alice


def form_data(**answers: str) -> dict[str, str]:
    """What a browser posts for the example survey, with q_ names."""
    data = {f"q_{k}": v for k, v in {**GOOD_ANSWERS, **answers}.items() if v is not None}
    data["uuid"] = str(uuid.uuid4())
    return data


def count(model: type[Base]) -> int:
    """How many rows a table holds."""
    return len(_db.session.scalars(select(model)).all())


def csrf_token(html: str) -> str:
    """The CSRF token in a rendered form."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as a browser test."""
    for item in items:
        if "/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
