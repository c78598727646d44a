"""SQLite under the threaded server `make run` starts: concurrent residents all get their answers stored."""

from __future__ import annotations

import http.client
import sqlite3
import threading
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from werkzeug.serving import make_server

from survey.extensions import db
from survey.models import Response
from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import import_survey, read_survey_file
from survey.sqlite import reading_only
from tests.conftest import csrf_token, form_data

CLIENTS = 20
POSTS_PER_CLIENT = 10
URL = "/s/community-safety"


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """An app on a file SQLite database with the example survey, CSRF on as in development."""
    application = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'voces.db'}", WTF_CSRF_ENABLED=True)
    with application.app_context():
        upgrade()
        upsert_sites_from_file(SITES_FILE)
        import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
        db.session.commit()
    return application


@pytest.fixture
def served(sqlite_app):
    """The app on a threaded server on a free loopback port; yields the port."""
    server = make_server("127.0.0.1", 0, sqlite_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()


def _resident(port: int) -> Counter[int]:
    """A browser with its own session: open the form, then post it POSTS_PER_CLIENT times."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", URL)
    page = connection.getresponse()
    token = csrf_token(page.read().decode())
    headers = {
        "Cookie": page.getheader("Set-Cookie").split(";")[0],
        "Content-Type": "application/x-www-form-urlencoded",
    }
    statuses: Counter[int] = Counter()
    for _ in range(POSTS_PER_CLIENT):
        body = urllib.parse.urlencode({**form_data(), "csrf_token": token})
        connection.request("POST", URL, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        statuses[response.status] += 1
    connection.close()
    return statuses


def test_concurrent_residents_all_get_their_answers_stored(served, sqlite_app):
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = sum(pool.map(_resident, [served] * CLIENTS), Counter())
    assert statuses == Counter({302: CLIENTS * POSTS_PER_CLIENT})
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == CLIENTS * POSTS_PER_CLIENT


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
        assert db.session.scalar(text("PRAGMA busy_timeout")) == sqlite_app.config["SQLITE_BUSY_TIMEOUT_MS"]
        assert db.session.scalar(text("PRAGMA synchronous")) == 1  # NORMAL


def test_a_savepoint_rolled_back_with_the_request_leaves_nothing(sqlite_app):
    """Savepoints belong to the transaction, as on PostgreSQL: releasing one does not commit."""
    with sqlite_app.app_context():
        with db.session.begin_nested():
            db.session.execute(text("UPDATE site SET name = 'changed'"))
        db.session.rollback()
        assert "changed" not in db.session.scalars(text("SELECT name FROM site")).all()


def test_work_that_only_reads_leaves_the_write_lock_to_others(sqlite_app, tmp_path):
    """A worker writing an export's part reads for long: other workers must store theirs meanwhile."""
    other = sqlite3.connect(tmp_path / "voces.db", timeout=0, isolation_level=None)
    with sqlite_app.app_context():
        with reading_only():
            assert db.session.scalar(select(func.count(Response.id))) == 0
            other.execute("BEGIN IMMEDIATE")  # a writer gets the lock while the read goes on
            other.execute("ROLLBACK")
            db.session.rollback()
        db.session.scalar(select(func.count(Response.id)))  # a command's transaction takes the lock up front
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.rollback()
    other.close()
