"""The README's production steps, run literally: PostgreSQL, Redis, gunicorn, and a resident's answers.

It needs the local PostgreSQL (127.0.0.1:5432, user postgres, trust) and Redis (127.0.0.1:6379), and the
`[production]` extra installed beside the suite (`pip install -e '.[production]'`). Without them it skips,
unless VOCES_REQUIRE_PRODUCTION is set (as .ci/run does): then it fails.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.parse
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests import ROOT
from tests.conftest import csrf_token, form_data

POSTGRES, REDIS = ("127.0.0.1", 5432), ("127.0.0.1", 6379)
BIN = Path(sys.executable).parent  # where pip put flask and gunicorn
PASSWORD = "a-long-production-password"


def missing_services() -> list[str]:
    """What this machine lacks to run the README's production steps."""
    missing = []
    for name, address in (("PostgreSQL", POSTGRES), ("Redis", REDIS)):
        try:
            socket.create_connection(address, timeout=1).close()
        except OSError:
            missing.append(f"{name} on {address[0]}:{address[1]}")
    for module in ("gunicorn", "redis", "psycopg"):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"the {module} package (pip install -e '.[production]')")
    return missing


@pytest.fixture(scope="module")
def services() -> None:
    """Skip, or fail when CI requires it, without PostgreSQL, Redis and the production extra."""
    missing = missing_services()
    if missing and os.environ.get("VOCES_REQUIRE_PRODUCTION"):
        pytest.fail(f"VOCES_REQUIRE_PRODUCTION is set but this machine lacks {', '.join(missing)}")
    if missing:
        pytest.skip(f"the production steps need {', '.join(missing)}")


@pytest.fixture
def database(services: None) -> Iterator[str]:
    """A scratch PostgreSQL database, dropped afterwards; its SQLAlchemy URL."""
    import psycopg

    name = f"voces_deploy_{uuid.uuid4().hex[:12]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    """A browser behind an HTTPS proxy: keeps cookies, sends the page it posts from, follows no redirect."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"  # a documentation address, as the proxy forwards
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:  # Flask-WTF checks, over HTTPS, that a form comes from a page of the same host
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode()
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer.status, dict(answer.headers.items()), text


def wait_for_healthz(browser: Browser, server: subprocess.Popen[str], seconds: float = 60) -> str:
    """What /healthz answers once gunicorn serves, within a bounded wait."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn stopped:\n{server.communicate()[0]}"
        try:
            status, _, body = browser.request("GET", "/healthz")
        except OSError:
            time.sleep(0.2)
            continue
        assert status == 200, body
        return body
    raise AssertionError(f"gunicorn did not answer within {seconds} s")


def run(*args: str, cwd: Path, env: dict[str, str]) -> str:
    """Run a command of the README, failing with its output if it fails."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def query(url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Rows from the deployment's database, read as an operator would."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        return list(connection.execute(sql, params).fetchall())  # type: ignore[arg-type]


def production_env(database: str, port: int, **settings: str) -> dict[str, str]:
    """The environment of a production host serving on this port from this database, with these settings;
    nothing of this machine's own Voces, Flask or gunicorn settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VOCES_", "FLASK_", "GUNICORN_"))}
    for key in ("DATABASE_URL", "TEST_DATABASE_URL", "PYTHONPATH", "WEB_CONCURRENCY"):
        env.pop(key, None)
    return env | {
        "VOCES_ENV": "production",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "DATABASE_URL": database,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "VOCES_BIND": f"127.0.0.1:{port}",
        **settings,
    }


def test_the_production_extra_installs_what_the_readme_deployment_runs():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    names = {re.split(r"[\[<>=]", requirement)[0] for requirement in extras["production"]}
    assert names == {"psycopg", "redis", "gunicorn"}


def test_the_readme_production_steps_serve_a_resident_through_gunicorn(database, tmp_path):
    port = free_port()
    env = production_env(database, port, PROXY_FIX_HOPS="1", WEB_CONCURRENCY="2")  # one HTTPS proxy in front
    flask = (str(BIN / "flask"), "--app", "survey")
    run(*flask, "db", "upgrade", cwd=tmp_path, env=env)
    assert "6 sites created" in run(
        *flask, "sites", "import", str(ROOT / "config" / "sites.yaml"), cwd=tmp_path, env=env
    )
    example = str(ROOT / "config" / "surveys" / "community-safety.yaml")
    assert "(published)" in run(*flask, "surveys", "import", example, "--publish", cwd=tmp_path, env=env)
    admin = "you@example.org"
    run(*flask, "users", "create", admin, "--role", "admin", cwd=tmp_path, env={**env, "VOCES_PASSWORD": PASSWORD})

    gunicorn = (str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "survey:create_app()")
    with subprocess.Popen(
        gunicorn, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as server:
        try:
            resident = Browser(port)
            assert json.loads(wait_for_healthz(resident, server)) == {"status": "ok", "database": "ok"}

            status, _, page = resident.request("GET", "/s/community-safety")
            assert status == 200 and "Tumaco" in page  # the imported sites are offered
            assert all("Secure" in header for header in resident.set_cookie_headers)
            answers = form_data(change_story="The clinic closed and nobody walks at night.")
            status, headers, page = resident.request(
                "POST", "/s/community-safety", {**answers, "csrf_token": csrf_token(page)}
            )
            assert status == 302 and headers["Location"].endswith("/s/community-safety/thanks"), page
            status, _, thanks = resident.request("GET", "/s/community-safety/thanks")
            (receipt,) = query(database, "SELECT receipt_code FROM response WHERE uuid = %s", answers["uuid"])[0]
            assert status == 200 and str(receipt) in thanks
            stored = query(
                database,
                "SELECT t.raw_text FROM testimonial t JOIN response r ON r.id = t.response_id WHERE r.uuid = %s",
                answers["uuid"],
            )
            assert ("The clinic closed and nobody walks at night.",) in stored

            # Failed logins are counted in Redis, shared by the workers; the admin then signs in.
            staff = Browser(port)
            status, _, page = staff.request("GET", "/auth/login")
            login = {"email": admin, "password": "wrong password", "csrf_token": csrf_token(page)}
            status, headers, page = staff.request("POST", "/auth/login", login)
            assert status == 200 and "X-RateLimit-Remaining" in headers, page
            import redis

            counted = redis.Redis(*REDIS).keys(f"*LIMITER/{staff.address}/auth.login/*")
            assert counted, "the failed login was not counted in Redis under the address the proxy forwarded"
            status, headers, _ = staff.request("POST", "/auth/login", {**login, "password": PASSWORD})
            assert status == 302, headers
            status, _, page = staff.request("GET", "/admin/sites")
            assert status == 200 and "Badiraguato" in page
        finally:
            server.terminate()
            log = server.communicate(timeout=30)[0]
    assert server.returncode == 0, log
    assert '"GET /healthz HTTP/1.1" 200' in log  # gunicorn.conf.py's access log


def test_one_gunicorn_worker_answers_while_a_slow_client_is_still_sending(database, tmp_path):
    """gunicorn.conf.py gives each worker threads: a tablet on a poor line, still sending its batch, does
    not hold up the other requests that worker serves."""
    port = free_port()
    env = production_env(database, port, WEB_CONCURRENCY="1")
    run(str(BIN / "flask"), "--app", "survey", "db", "upgrade", cwd=tmp_path, env=env)
    gunicorn = (str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "survey:create_app()")
    with subprocess.Popen(
        gunicorn, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as server:
        try:
            wait_for_healthz(Browser(port), server)
            with socket.create_connection(("127.0.0.1", port), timeout=30) as slow:
                slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # its headers not yet ended
                time.sleep(0.5)  # the worker has taken the slow request
                started = time.monotonic()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                try:
                    connection.request("GET", "/healthz")
                    answer = connection.getresponse()
                    assert (answer.status, json.loads(answer.read())) == (200, {"status": "ok", "database": "ok"})
                except TimeoutError:
                    pytest.fail(f"the worker did not answer within {time.monotonic() - started:.0f} s")
                finally:
                    connection.close()
        finally:
            server.terminate()
            server.communicate(timeout=30)
