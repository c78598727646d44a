"""The README's deployment on several machines, on one: two web processes and a Celery worker sharing
PostgreSQL and Redis (the broker, the rate limits).

A login limit reached through one web process is enforced by the other; a rerun started through one
is finished by the worker and shown, done, by the other. Needs what tests/test_production.py needs;
skips without it, unless VOCES_REQUIRE_PRODUCTION is set (then it fails).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests import ROOT
from tests.conftest import csrf_token, form_data
from tests.test_production import BIN, PASSWORD, Browser, database, free_port, query, run, services, wait_for_healthz

__all__ = ["database", "services"]  # fixtures this module uses from the production test

ADMIN = "admin@example.org"


def start(command: tuple[str, ...], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def deployment(database: str, tmp_path: Path) -> Iterator[tuple[str, Browser, Browser]]:
    """Two gunicorn processes on two ports and one worker, set up as the README says; the database URL
    and a browser on each web process, sharing one cookie jar as a proxy in front of both would."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VOCES_", "FLASK_", "CELERY_"))}
    for key in ("DATABASE_URL", "TEST_DATABASE_URL", "PYTHONPATH", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        env.pop(key, None)
    redis_db = 7  # the broker and the limits of this test only; emptied before and after
    env |= {
        "VOCES_ENV": "production",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "DATABASE_URL": database,
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{redis_db}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CELERY_QUEUE": f"voces-deploy-{uuid.uuid4().hex[:8]}",
        "PROXY_FIX_HOPS": "1",
        "WEB_CONCURRENCY": "1",
        "LOGIN_FAILURES_PER_MINUTE": "3",
    }
    import redis

    redis.Redis("127.0.0.1", 6379, db=redis_db).flushdb()
    flask = (str(BIN / "flask"), "--app", "survey")
    run(*flask, "db", "upgrade", cwd=tmp_path, env=env)
    run(*flask, "sites", "import", str(ROOT / "config" / "sites.yaml"), cwd=tmp_path, env=env)
    example = str(ROOT / "config" / "surveys" / "community-safety.yaml")
    run(*flask, "surveys", "import", example, "--publish", cwd=tmp_path, env=env)
    run(*flask, "users", "create", ADMIN, "--role", "admin", cwd=tmp_path, env={**env, "VOCES_PASSWORD": PASSWORD})

    ports = free_port(), free_port()
    gunicorn = (str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "survey:create_app()")
    worker = (str(BIN / "celery"), "--app", "survey.tasks", "worker", "--pool", "solo", "--loglevel", "INFO")
    with ExitStack() as stack:
        processes = [start(gunicorn, tmp_path, {**env, "VOCES_BIND": f"127.0.0.1:{port}"}) for port in ports]
        processes.append(start(worker, tmp_path, env))
        for process in processes:
            stack.callback(process.communicate, timeout=60)
            stack.callback(process.terminate)
        one, other = Browser(ports[0]), Browser(ports[1])
        other.address = one.address  # one person, whichever web host the proxy picks
        other.cookies = one.cookies
        for browser, process in zip((one, other), processes, strict=False):
            wait_for_healthz(browser, process)
        yield database, one, other
    redis.Redis("127.0.0.1", 6379, db=redis_db).flushdb()


def wait_until(condition, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not done within {seconds} s"
        time.sleep(0.3)


def test_two_web_processes_and_a_worker_share_limits_sessions_and_jobs(services, deployment):
    database, one, other = deployment

    # A resident answers through one web process; the worker analyses the testimony.
    status, _, page = one.request("GET", "/s/community-safety")
    answers = form_data(change_story="The clinic reopened and people walk to it at night without fear.")
    status, _, page = one.request("POST", "/s/community-safety", {**answers, "csrf_token": csrf_token(page)})
    assert status == 302, page
    analysed = "SELECT count(*) FROM testimonial WHERE analyser_version <> 'pending'"
    wait_until(lambda: query(database, analysed)[0][0] >= 1)

    # Failed logins through either process count together, in Redis: the limit is 3 a minute.
    status, _, page = one.request("GET", "/auth/login")
    wrong = {"email": ADMIN, "password": "not the password", "csrf_token": csrf_token(page)}
    statuses = [browser.request("POST", "/auth/login", wrong)[0] for browser in (one, other, one, other)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429, statuses
    assert other.request("POST", "/auth/login", {**wrong, "password": PASSWORD})[0] == 429

    # Signed in through the other process (after the limit's minute: a new address), the session opens
    # pages on the first one too.
    one.address = other.address = "198.51.100.7"
    status, headers, _ = other.request("POST", "/auth/login", {**wrong, "password": PASSWORD})
    assert status == 302, headers
    status, _, page = one.request("GET", "/admin/jobs")
    assert status == 200, page

    # A rerun of every testimony started through the first process is finished by the worker...
    status, headers, page = one.request(
        "POST", "/admin/jobs", {"survey": "", "everything": "y", "csrf_token": csrf_token(page)}
    )
    assert status == 302, page
    job = "SELECT id, status, done_items, total_items FROM job ORDER BY id DESC LIMIT 1"
    wait_until(lambda: query(database, job)[0][1] == "done")
    job_id, _, done, total = query(database, job)[0]
    assert done == total >= 1

    # ...and shown done by the other.
    status, _, page = other.request("GET", "/admin/jobs")
    assert status == 200
    row = re.search(rf'<progress value="(\d+)" max="100" aria-label="Job {job_id}"', page)
    assert row is not None and row.group(1) == "100", page
