"""The resident form under 20 concurrent residents: submissions stored per second and the 99th
percentile time of a post, next to GET /healthz at the same concurrency on the same server in the
same run. The server is the threaded development server `make run` starts, with CSRF on, on a
file SQLite database in a temporary folder, then on PostgreSQL when BENCH_DATABASE_URL (or
TEST_DATABASE_URL) names a scratch database: its tables are dropped and rebuilt."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import re
import socket
import statistics
import tempfile
import time
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.sync import _free_port, p99

CLIENTS = 20
POSTS_PER_CLIENT = 25
HEALTH_PER_CLIENT = 25
URL = "/s/community-safety"
SECRET = "bench-secret-not-for-production"
ANSWERS = {
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


def _prepare(url: str) -> None:
    """Empty the database, build the schema and publish the example survey."""
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import text

    from survey import create_app
    from survey.extensions import db
    from survey.models import Base
    from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
    from survey.services.sites import upsert_sites_from_file
    from survey.services.surveys import import_survey, read_survey_file

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        upsert_sites_from_file(SITES_FILE)
        import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
        db.session.commit()
        db.engine.dispose()


def _stored(url: str) -> int:
    from sqlalchemy import func, select

    from survey import create_app
    from survey.extensions import db
    from survey.models import Response

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(Response)) or 0
        db.engine.dispose()
    return stored


def _serve(url: str, port: int) -> None:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from survey import create_app

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET, DEBUG=False)
    app.logger.disabled = True  # errors are counted, not printed
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


def _resident(port: int, posts: int = POSTS_PER_CLIENT) -> tuple[list[float], Counter[int]]:
    """One resident's browser: open the form once, then post it `posts` times."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", URL)
    page = connection.getresponse()
    html = page.read().decode()
    cookie = (page.getheader("Set-Cookie") or "").split(";")[0]
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token in the form")
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    times: list[float] = []
    statuses: Counter[int] = Counter()
    for _ in range(posts):
        fields = {f"q_{k}": v for k, v in ANSWERS.items()} | {"csrf_token": match.group(1), "uuid": str(uuid.uuid4())}
        start = time.perf_counter()
        connection.request("POST", URL, body=urllib.parse.urlencode(fields), headers=headers)
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        statuses[response.status] += 1
    return times, statuses


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60  # the spawned server imports everything first; a busy machine is slow
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _health(port: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for _ in range(HEALTH_PER_CLIENT):
        start = time.perf_counter()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        times.append(time.perf_counter() - start)
    return times


def _measure(url: str) -> dict[str, float]:
    _prepare(url)
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port), daemon=True)
    server.start()
    try:
        _wait(port)
        _health(port)
        _resident(port, posts=1)  # the first submission loads the analysis models: not counted
        with ThreadPoolExecutor(CLIENTS) as pool:
            health = [t for times in pool.map(_health, [port] * CLIENTS) for t in times]
        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(_resident, [port] * CLIENTS))
        seconds = time.perf_counter() - start
    finally:
        server.terminate()
        server.join(5)
    posts = [t for times, _ in results for t in times]
    statuses: Counter[int] = sum((s for _, s in results), Counter())
    stored = _stored(url) - 1
    return {
        "submissions_per_s": round(stored / seconds, 1),
        "post_p99_ms": round(1000 * p99(posts), 1),
        "post_mean_ms": round(1000 * statistics.mean(posts), 1),
        "healthz_p99_ms": round(1000 * p99(health), 1),
        "posts": len(posts),
        "stored": stored,
        "errors": sum(n for status, n in statuses.items() if status != 302),
    }


def _print(name: str, figures: dict[str, float]) -> None:
    print(
        f"{name:<11} GET /healthz   p99 {figures['healthz_p99_ms']:7.1f} ms at {CLIENTS} clients\n"
        f"{'':<11} POST {URL}  {figures['submissions_per_s']:6.1f} submissions/s  "
        f"p99 {figures['post_p99_ms']:7.1f} ms  mean {figures['post_mean_ms']:6.1f} ms  "
        f"{figures['stored']}/{figures['posts']} stored, {figures['errors']} errors"
    )
    print(json.dumps({"database": name, **figures}))


def run() -> None:
    """Print the resident form figures on SQLite, and on PostgreSQL when a scratch database is named."""
    print(f"== resident form, {CLIENTS} concurrent residents ==")
    with tempfile.TemporaryDirectory() as folder:
        _print("SQLite", _measure(f"sqlite:///{Path(folder) / 'bench.db'}"))
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if postgres:
        _print("PostgreSQL", _measure(postgres))


if __name__ == "__main__":
    run()
