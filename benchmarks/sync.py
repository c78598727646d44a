"""The sync API under load from a loopback client: records stored per second in batches of 100,
and the 99th percentile time of a batch, next to a bare GET /healthz on the same server in the
same run. The server runs in its own process on a file SQLite database in a temporary folder, then
on PostgreSQL when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a scratch database: its tables
are dropped and rebuilt.

With no broker the server analyses each batch's testimonies right after its commit, so the API's
figure is bounded by the analysis. With Redis at BENCH_REDIS_URL (default redis://127.0.0.1:6379/9)
the same batches are sent to a server that queues the analysis there for Celery workers, as a
production deployment does: the figure of the request path. The storing alone is measured too, in
this process: the same batches through the service the API calls, each committed, their analysis
left to a worker."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, NamedTuple, cast

import yaml

from benchmarks import ROOT

BATCH = 100
BATCHES = 20
TABLETS = 4  # tablets sending at once, each its batches one after another
IN_PROCESS_BATCHES = 30
HEALTH_REQUESTS = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(url: str) -> tuple[str, str]:
    """Empty the database, create the schema, the example survey and a field worker's device; return
    version and token."""
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import text

    from survey import create_app
    from survey.extensions import db
    from survey.models import Base, Role
    from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
    from survey.services.devices import register_device
    from survey.services.sites import upsert_sites_from_file
    from survey.services.surveys import import_survey, read_survey_file
    from survey.services.users import create_user

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            connection.execute(text("DROP TABLE IF EXISTS testimonial_fts"))  # SQLite's search index, not a model
        upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        upsert_sites_from_file(SITES_FILE)
        version = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True).version
        _, token = register_device(create_user("bench@voces.example", "bench-password-1", Role.FIELD_WORKER), "bench")
        db.session.commit()
        db.engine.dispose()
    return version, token


def _serve(url: str, port: int, broker: str = "", queue: str = "") -> None:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from survey import create_app
    from survey.app import settle_process

    queueing = {"CELERY_BROKER_URL": broker, "CELERY_QUEUE": queue} if broker else {}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, API_RATE_LIMIT="100000 per minute", **queueing)
    settle_process(app, analyse=not broker)  # as gunicorn.conf.py does for each of its workers
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


def _records(version: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    corpus = yaml.safe_load((ROOT / "config" / "demo" / "testimonies.yaml").read_text(encoding="utf-8"))
    records = []
    for _ in range(count):
        language = rng.choice(["en", "es"])
        records.append(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "survey": "community-safety",
                "version": version,
                "site": rng.choice(["tumaco", "chilapa"]),
                "language": language,
                "consent": "quote",
                "mode": "in_person",
                "started_at": "2026-11-20T09:00:00Z",
                "finished_at": "2026-11-20T09:12:00Z",
                "answers": {
                    "safe_at_night": str(rng.randint(1, 5)),
                    "dealing_seen": str(rng.randint(1, 5)),
                    "change_story": rng.choice(corpus["change"][language])["text"],
                },
            }
        )
    return records


def _timed(
    connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[float, bytes]:
    start = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
    return time.perf_counter() - start, data


def _wait(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds  # starting the app takes a while on a busy machine
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def bare_analysis(records: list[dict[str, Any]]) -> float:
    """Texts per second of the analysis alone on the records' testimonies, by batches as the API
    analyses them, in this process: the most a process that analyses as it stores can sync."""
    from survey.analysis import load_codebook
    from survey.analysis.pipeline import Engine

    engine = Engine(load_codebook(ROOT / "config" / "codebook.yaml"))
    engine.warm_up()
    texts = [r["answers"]["change_story"] for r in records]
    hints = [r["language"] for r in records]
    start = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        engine.analyse_batch(texts[i : i + BATCH], language_hints=hints[i : i + BATCH])
    return len(texts) / (time.perf_counter() - start)


def redis_broker() -> str:
    """The Redis the benchmark may queue tasks on, or "" where none answers."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # no client library, or no server: the run without a broker still stands
        return ""
    return url


def gunicorn_command() -> list[str]:
    """gunicorn as the README deploys it, or [] where it is not installed (the production extra)."""
    found = Path(sys.executable).parent / "gunicorn"
    return [str(found), "-c", str(ROOT / "gunicorn.conf.py"), "survey:create_app()"] if found.exists() else []


class _Gunicorn:
    """One gunicorn worker, as deployed (gunicorn.conf.py), serving this database and queueing on the broker."""

    def __init__(self, url: str, port: int, broker: str, queue: str) -> None:
        settings = {
            "VOCES_ENV": "production",
            "DATABASE_URL": url,
            "SECRET_KEY": uuid.uuid4().hex,
            "CELERY_BROKER_URL": broker,
            "CELERY_QUEUE": queue,
            "API_RATE_LIMIT": "100000 per minute",
            "VOCES_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_ACCESS_LOG": os.devnull,
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            gunicorn_command(), cwd=ROOT, env=os.environ | settings, stderr=subprocess.DEVNULL
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def terminate(self) -> None:
        self.process.terminate()

    def join(self, seconds: float) -> None:
        self.process.wait(seconds)


class Queued(NamedTuple):
    """The API's figures when a broker takes the analysis."""

    records_per_s: float  # one tablet sending its batches one after another
    batch_p99_s: float
    queued: int  # analysis tasks left on the broker
    together_records_per_s: float  # TABLETS tablets sending at once
    # Records stored per CPU second of the server's processes over both runs: what one process
    # stores in a second when it has a core to itself (here the database and the tablets share
    # the machine's cores with it). None where psutil (the bench extra) is missing.
    per_server_cpu_s: float | None


def _server_cpu_seconds(pid: int) -> float | None:
    """CPU seconds a server process and its children (gunicorn's worker) have used so far."""
    try:
        import psutil
    except ImportError:
        return None
    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])


def with_broker(url: str, broker: str, server_kind: str = "werkzeug") -> Queued:
    """The API's figures when a broker takes the analysis: one tablet sending its batches one after
    another, then TABLETS at once. The queue is emptied afterwards, since no worker is to run them.
    The server is werkzeug's, in a process of its own, or one gunicorn worker."""
    import redis

    version, token = _prepare(url)
    queue = f"voces-bench-{uuid.uuid4().hex[:8]}"
    port = _free_port()
    server: Any
    if server_kind == "gunicorn":
        server = _Gunicorn(url, port, broker, queue)
    else:
        server = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(url, port, broker, queue), daemon=True
        )
        server.start()
    client = redis.Redis.from_url(broker)
    try:
        _wait(port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        records = _records(version, BATCH * (2 * BATCHES + 1), random.Random(13))
        bodies = [json.dumps({"records": records[i : i + BATCH]}).encode() for i in range(0, len(records), BATCH)]
        _timed(connection, "POST", "/api/v1/submissions", bodies.pop(), headers)
        batches, stored = [], 0
        cpu_before = _server_cpu_seconds(server.pid)
        for body in bodies[:BATCHES]:
            seconds, data = _timed(connection, "POST", "/api/v1/submissions", body, headers)
            batches.append(seconds)
            stored += _created(data)
        queued = cast(int, client.llen(queue))  # a count, from the synchronous client
        together = _tablets_at_once(port, headers, bodies[BATCHES:])
        cpu_after = _server_cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.join(5)
        client.delete(queue)
    per_cpu = None
    if cpu_before is not None and cpu_after is not None:
        per_cpu = (stored + BATCH * len(bodies[BATCHES:])) / (cpu_after - cpu_before)
    return Queued(stored / sum(batches), p99(batches), queued, together, per_cpu)


def _created(data: bytes) -> int:
    return sum(r["status"] == "created" for r in json.loads(data)["results"])


def _tablets_at_once(port: int, headers: dict[str, str], bodies: list[bytes]) -> float:
    """Records/s stored when TABLETS tablets share these batches, each sending its own one after another."""
    stored = [0] * TABLETS

    def tablet(k: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for body in bodies[k::TABLETS]:
            stored[k] += _created(_timed(connection, "POST", "/api/v1/submissions", body, headers)[1])
        connection.close()

    threads = [threading.Thread(target=tablet, args=(k,)) for k in range(TABLETS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if sum(stored) != BATCH * len(bodies):
        raise RuntimeError(f"{sum(stored)} of {BATCH * len(bodies)} records stored by tablets at once")
    return sum(stored) / (time.perf_counter() - start)


def p99(values: list[float]) -> float:
    """The 99th percentile."""
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]


def _measure(url: str) -> dict[str, Any]:
    """Sync batches against a server on this database; the figures of one run."""
    version, token = _prepare(url)
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(url, port), daemon=True)
    server.start()
    try:
        _wait(port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        health = [_timed(connection, "GET", "/healthz", None, {})[0] for _ in range(HEALTH_REQUESTS)]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        records = _records(version, BATCH * (BATCHES + 1), random.Random(7))
        warm = json.dumps({"records": records[-BATCH:]}).encode()
        _timed(connection, "POST", "/api/v1/submissions", warm, headers)  # load the models first
        batches, stored = [], 0  # the warm-up batch's records are not counted
        for i in range(BATCHES):
            body = json.dumps({"records": records[i * BATCH : (i + 1) * BATCH]}).encode()
            seconds, data = _timed(connection, "POST", "/api/v1/submissions", body, headers)
            batches.append(seconds)
            stored += _created(data)
        replay = json.dumps({"records": records[:BATCH]}).encode()
        replay_seconds, data = _timed(connection, "POST", "/api/v1/submissions", replay, headers)
        duplicates = sum(r["status"] == "duplicate" for r in json.loads(data)["results"])
    finally:
        server.terminate()
        server.join(5)
    analysis = bare_analysis(records[: BATCH * BATCHES])
    alone = stored_in_process(url)
    broker = redis_broker()
    return {
        "health": health,
        "batches": batches,
        "stored": stored,
        "replay_s": replay_seconds,
        "dup": duplicates,
        "analysis": analysis,
        "alone": alone,
        "broker": with_broker(url, broker) if broker else None,
        "gunicorn": with_broker(url, broker, "gunicorn") if broker and gunicorn_command() else None,
    }


def stored_in_process(url: str) -> tuple[int, float, float]:
    """Records stored by the sync service in this process, batches of BATCH committed one by one as the
    API commits them, with the seconds and this process's CPU seconds it took (on a busy machine the
    second says more: PostgreSQL's own work is not in it); the analysis they ask for is held back, as a
    broker would take it."""
    from unittest import mock

    import survey.tasks
    from survey import create_app
    from survey.extensions import db
    from survey.services.devices import device_for_token
    from survey.services.sync import ingest_batch

    version, token = _prepare(url)
    records = _records(version, BATCH * (IN_PROCESS_BATCHES + 1), random.Random(11))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    held: list[Any] = []
    with app.app_context(), mock.patch.object(survey.tasks, "send", held.extend):
        device = device_for_token(token)
        assert device is not None
        batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
        ingest_batch(batches.pop(), user=device.user, device=device, source="api")  # warm-up, not counted
        db.session.commit()
        stored = 0
        start, cpu = time.perf_counter(), time.process_time()
        for batch in batches:
            results = ingest_batch(batch, user=device.user, device=device, source="api")
            db.session.commit()
            stored += sum(r.status == "created" for r in results)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        db.engine.dispose()
    return stored, seconds, cpu_seconds


def _print(name: str, run: dict[str, Any]) -> None:
    health, batches, stored = run["health"], run["batches"], run["stored"]
    total = sum(batches)
    print(
        f"{name:<11} GET /healthz     mean {1000 * statistics.mean(health):6.1f} ms  "
        f"p99 {1000 * p99(health):6.1f} ms  ({HEALTH_REQUESTS} requests)"
    )
    print(
        f"{'':<11} POST /api/v1/submissions {stored / total:6.0f} records/s stored in batches of {BATCH} "
        f"({stored} records, {BATCHES} batches)"
    )
    print(
        f"{'':<11} batch mean {1000 * statistics.mean(batches):6.0f} ms  "
        f"p99 {1000 * p99(batches):6.0f} ms  "
        f"(p99 batch = {p99(batches) / p99(health):.0f} x p99 /healthz)"
    )
    print(
        f"{'':<11} replayed batch of {BATCH}: {run['dup']} duplicates acknowledged in "
        f"{1000 * run['replay_s']:.0f} ms, nothing stored twice"
    )
    print(f"{'':<11} the analysis alone on the same testimonies: {run['analysis']:6.0f} texts/s")
    for key, server in (
        ("broker", "with a broker (Redis), the analysis queued for workers"),
        ("gunicorn", "the same behind one gunicorn worker (gunicorn.conf.py, production settings)"),
    ):
        if run[key]:
            queued: Queued = run[key]
            per_cpu = f"{queued.per_server_cpu_s:6.0f}" if queued.per_server_cpu_s else "  n/a"
            print(
                f"{'':<11} {server}: {queued.records_per_s:6.0f} records/s, "
                f"batch p99 {1000 * queued.batch_p99_s:.0f} ms ({queued.queued} analysis tasks queued); "
                f"{TABLETS} tablets at once {queued.together_records_per_s:6.0f} records/s; "
                f"{per_cpu} per CPU second of the server"
            )
        elif key == "broker":
            print(f"{'':<11} with a broker: not measured, no Redis answers at BENCH_REDIS_URL")
        elif run["broker"]:
            print(f"{'':<11} behind gunicorn: not measured, gunicorn is not installed (the production extra)")
    alone, seconds, cpu_seconds = run["alone"]
    stored_alone = alone / seconds
    print(
        f"{'':<11} storing alone, in this process: {stored_alone:6.0f} records/s, "
        f"{alone / cpu_seconds:6.0f} per CPU second of this process "
        f"({alone} records, batches of {BATCH}, the analysis left to a worker)"
    )
    print(
        json.dumps(
            {
                "database": name,
                "records_per_s": round(stored / total, 1),
                "with_broker_records_per_s": _rounded(run["broker"], "records_per_s"),
                "gunicorn_worker_records_per_s": _rounded(run["gunicorn"], "records_per_s"),
                "tablets_at_once_records_per_s": _rounded(run["broker"], "together_records_per_s"),
                "gunicorn_tablets_at_once_records_per_s": _rounded(run["gunicorn"], "together_records_per_s"),
                "with_broker_records_per_server_cpu_s": _rounded(run["broker"], "per_server_cpu_s"),
                "gunicorn_records_per_server_cpu_s": _rounded(run["gunicorn"], "per_server_cpu_s"),
                "stored_in_process_records_per_s": round(stored_alone, 1),
                "stored_in_process_records_per_cpu_s": round(alone / cpu_seconds, 1),
                "bare_analysis_texts_per_s": round(run["analysis"], 1),
                "batch_p99_ms": round(1000 * p99(batches), 1),
                "healthz_p99_ms": round(1000 * p99(health), 2),
                "healthz_mean_ms": round(1000 * statistics.mean(health), 2),
            }
        )
    )


def _rounded(queued: Queued | None, field: str) -> float | None:
    value = getattr(queued, field) if queued else None
    return round(value, 1) if value is not None else None


def run() -> None:
    """Print the sync API figures on SQLite, and on PostgreSQL when a scratch database is named."""
    print("== sync API ==")
    with tempfile.TemporaryDirectory() as folder:
        _print("SQLite", _measure(f"sqlite:///{Path(folder) / 'bench.db'}"))
    postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if postgres:
        _print("PostgreSQL", _measure(postgres))


if __name__ == "__main__":
    run()
