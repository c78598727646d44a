"""A CSV export streams its rows after the request has committed, as a real server sends it."""

from __future__ import annotations

import csv
import http.cookiejar
import io
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from survey.models import Role
from tests.conftest import PASSWORD


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The app on a loopback port, each request in its own thread and application context."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize(("table", "key"), [("responses", "_response_id"), ("tags", "response_id")])
def test_a_csv_export_reads_its_rows_while_it_streams(served, make_user, make_response, table, key):
    for _ in range(5):
        make_response()
    evaluator = make_user(Role.EVALUATOR)
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = urllib.parse.urlencode({"email": evaluator.email, "password": PASSWORD}).encode()
    browser.open(f"{served}/auth/login", data=login).read()
    with browser.open(f"{served}/evaluate/community-safety/export.csv?table={table}") as answer:
        body = answer.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len({row[key] for row in rows}) == 5  # the body was cut off at its first read of the survey before
