"""Real Celery workers (`celery --app survey.tasks worker`) on Redis and RabbitMQ, sharing the test's database.

Each test sends to a queue of its own, so other programs using the same broker never take its tasks.
Without a reachable broker the test is skipped, except under CI, where it fails.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select, update

from survey.extensions import db
from survey.models import JobChunk, Response, SurveyVersion, Testimonial
from survey.models.testimonial import PENDING
from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import import_survey, read_survey_file
from tests import ROOT
from tests.conftest import form_data
from tests.web.test_api import record

BROKERS = {
    "redis": os.environ.get("VOCES_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    "rabbitmq": os.environ.get("VOCES_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//"),
}
WAIT_S = 60  # at most, for a worker to start and finish; the tests end as soon as it has


def reachable_broker(name: str) -> str:
    """The broker's URL; skip (or fail under CI) when nothing answers there."""
    url = BROKERS[name]
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2).close()
    except OSError:
        message = f"{name} is not reachable at {parts.hostname}:{parts.port}: start it to run the worker tests"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The suite's PostgreSQL database when there is one, else a SQLite file both processes open."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/voces.db"


@pytest.fixture
def start_workers(tmp_path: Path, database_url: str) -> Iterator[Callable[[str, str, int], list[str]]]:
    """Start Celery worker processes on a broker and queue; they are stopped after the test."""
    started: list[subprocess.Popen[bytes]] = []
    logs: list[IO[bytes]] = []

    def start(broker: str, queue: str, count: int = 1) -> list[str]:
        names = []
        for _n in range(count):
            name = f"w{len(started) + 1}-{queue[-6:]}"  # a worker started later gets a name of its own
            env = {
                **os.environ,
                "VOCES_ENV": "testing",
                "TEST_DATABASE_URL": database_url,
                "CELERY_BROKER_URL": broker,
                "CELERY_QUEUE": queue,
                "EXPORT_FOLDER": str(tmp_path / "exports"),
            }
            log = (tmp_path / f"{name}.log").open("wb")
            logs.append(log)
            command = [sys.executable, "-m", "celery", "--app", "survey.tasks", "worker", "--pool", "solo"]
            command += ["--concurrency", "1", "--hostname", f"{name}@%h", "--loglevel", "INFO"]
            command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
            started.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
            names.append(name)
        return names

    yield start
    for process in started:
        process.send_signal(signal.SIGQUIT)  # a cold shutdown: the test has what it waited for
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for log in logs:
        log.close()


@pytest.fixture
def broker_app(make_app: Callable[..., Flask], database_url: str, tmp_path: Path) -> Callable[[str], Flask]:
    """An app that sends its tasks to a broker, on the database (and export folder) the workers use,
    with the example survey."""

    def build(broker: str) -> Flask:
        queue = f"voces-test-{uuid.uuid4().hex[:12]}"
        settings = {"CELERY_BROKER_URL": broker, "CELERY_QUEUE": queue, "EXPORT_FOLDER": str(tmp_path / "exports")}
        app = make_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **settings)
        with app.app_context():
            upgrade()
            upsert_sites_from_file(SITES_FILE)
            import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
            db.session.commit()
        return app

    return build


def wait_until(done: Callable[[], bool], what: str, logs: Path) -> None:
    """Poll the database until `done`, or fail with the workers' logs."""
    deadline = time.monotonic() + WAIT_S
    while not done():
        if time.monotonic() > deadline:
            output = "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(logs.glob("w*.log")))
            pytest.fail(f"the workers did not {what} within {WAIT_S} s:\n{output}")
        time.sleep(0.2)


def pending() -> int:
    """How many testimonies wait for their analysis; the look ends its transaction, which on
    SQLite holds the write lock the workers need."""
    count = db.session.scalar(select(func.count(Testimonial.id)).where(Testimonial.analyser_version == PENDING))
    db.session.rollback()
    return int(count or 0)


def stored() -> dict[int, tuple[object, ...]]:
    """What the analysis stored on each testimony, but when."""
    db.session.expire_all()
    return {
        t.id: (
            t.redacted_text,
            t.language,
            t.polarity,
            t.sentiment_note,
            t.sentences,
            t.analyser_version,
            t.codebook_version,
            sorted((g.theme, g.source.value, g.confidence, g.polarity, str(g.evidence)) for g in t.tags),
        )
        for t in db.session.scalars(select(Testimonial).order_by(Testimonial.id))
    }


@pytest.mark.parametrize("broker_name", ["redis", "rabbitmq"])
def test_a_worker_analyses_a_residents_submission(broker_name, broker_app, start_workers, tmp_path):
    broker = reachable_broker(broker_name)
    app = broker_app(broker)
    start_workers(broker, app.config["CELERY_QUEUE"], 1)
    story = "The clinic closed and there are shootings at night. Call me on 310 555 1234."
    with app.app_context():
        answer = app.test_client().post("/s/community-safety", data=form_data(change_story=story))
        assert answer.status_code == 302
        waiting = db.session.scalars(select(Testimonial)).all()
        assert waiting and all(not t.analysed for t in waiting)  # stored at once, analysed by the worker
        assert all("310 555 1234" not in t.redacted_text for t in waiting)
        db.session.rollback()
        wait_until(lambda: pending() == 0, "analyse the submission", tmp_path)
        told = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()
        assert told.analysed and told.language == "en"
        assert "safety" in {t.theme for t in told.tags}


def test_two_workers_share_a_rerun_and_store_what_one_process_stores(
    broker_app, start_workers, make_app, database_url, tmp_path
):
    broker = reachable_broker("redis")
    app = broker_app(broker)
    workers = start_workers(broker, app.config["CELERY_QUEUE"], 2)
    stories = [
        "The shootings stopped and the clinic opened. I feel safe at night.",
        "My son overdosed twice; the rehab waitlist is months long.",
        "Ya no hay balaceras y abrieron un centro de salud.",
        "Nothing changed.",
        "We grow cacao now and sell it in town; the police came to the meeting.",
        "No one from the council answers, and the street lights are broken.",
    ]
    with app.app_context():
        client = app.test_client()
        for story in stories:
            language = "es" if "balaceras" in story else "en"
            answer = client.post(f"/s/community-safety?lang={language}", data=form_data(change_story=story))
            assert answer.status_code == 302
        wait_until(lambda: pending() == 0, "analyse the submissions", tmp_path)
        db.session.execute(update(Testimonial).values(polarity=None, sentences=[], language=None))
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["analysis", "rerun", "--all", "--chunk", "2"])
        assert result.exit_code == 0, result.output
        assert "sent to the workers" in result.output and "100% done" in result.output
        by_workers = stored()
        done_by = {name.split("@")[0] for name in db.session.scalars(select(JobChunk.done_by))}
        assert done_by and done_by <= set(workers)

    here = make_app("testing", SQLALCHEMY_DATABASE_URI=database_url)  # no broker: the chunks run in this process
    with here.app_context():
        db.session.execute(update(Testimonial).values(polarity=None, sentences=[], language=None))
        db.session.commit()
        result = here.test_cli_runner().invoke(args=["analysis", "rerun", "--all", "--chunk", "2"])
        assert result.exit_code == 0, result.output
        assert stored() == by_workers
        assert {row[5] for row in by_workers.values()} != {PENDING}


def test_one_or_two_workers_prepare_the_direct_exports_files(broker_app, start_workers, tmp_path):
    broker = reachable_broker("redis")
    app = broker_app(broker)
    queue = app.config["CELERY_QUEUE"]
    workers = start_workers(broker, queue, 1)
    with app.app_context():
        client = app.test_client()
        for n in range(13):
            story = f"Shootings at night on street {n}; the clinic closed." if n % 2 else f"Nothing changed, ward {n}."
            answer = client.post("/s/community-safety", data=form_data(change_story=story, what_would_help=f"=1+{n}"))
            assert answer.status_code == 302
        wait_until(lambda: pending() == 0, "analyse the submissions", tmp_path)
        cli = app.test_cli_runner()
        for file_format in ("csv", "xlsx"):
            out = tmp_path / f"direct.{file_format}"
            assert (
                cli.invoke(args=["export", "community-safety", "--format", file_format, "-o", str(out)]).exit_code == 0
            )
        for count in (1, 2):
            if count == 2:
                workers += start_workers(broker, queue, 1)
            for file_format in ("csv", "xlsx"):
                out = tmp_path / f"workers{count}.{file_format}"
                args = ["export", "community-safety", "--format", file_format, "-o", str(out), "--background"]
                result = cli.invoke(args=[*args, "--chunk", "2"])
                assert result.exit_code == 0, result.output
                assert (
                    "sent to the workers" in result.output and "13/13 responses, 8/8 chunks, 100% done" in result.output
                )
                # the parts; the join is sent by the worker that wrote the last part (here, under the
                # testing settings, which name no broker, that worker does it itself)
                parts = select(JobChunk.done_by).where(JobChunk.items > 0)
                done_by = {name.split("@")[0] for name in db.session.scalars(parts)}
                assert done_by and done_by <= set(workers)
                db.session.rollback()
            assert (tmp_path / f"workers{count}.csv").read_bytes() == (tmp_path / "direct.csv").read_bytes()
            tags = tmp_path / f"workers{count}-tags.csv"
            assert tags.read_bytes() == (tmp_path / "direct-tags.csv").read_bytes()
            assert workbook_members(tmp_path / f"workers{count}.xlsx") == workbook_members(tmp_path / "direct.xlsx")


def workbook_members(path: Path) -> dict[str, bytes]:
    """A workbook's files but its properties, which hold when it was written."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def test_a_broker_that_does_not_answer_loses_no_submission(broker_app, caplog):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    app = broker_app(f"redis://127.0.0.1:{port}/0")
    logger = logging.getLogger("survey.tasks")
    logger.addHandler(caplog.handler)  # the migrations' logging set-up took pytest's handler off the root logger
    with app.app_context():
        answer = app.test_client().post("/s/community-safety", data=form_data())
        assert answer.status_code == 302 and "/thanks" in answer.headers["Location"]
        waiting = db.session.scalars(select(Testimonial)).all()
        assert waiting and all(t.analyser_version == PENDING for t in waiting)  # `analysis rerun` finds them
    logger.removeHandler(caplog.handler)
    assert "could not be sent" in caplog.text


def test_two_workers_share_an_import_and_answer_as_one_process_does(
    broker_app, start_workers, make_app, database_url, tmp_path
):
    broker = reachable_broker("redis")
    app = broker_app(broker)
    workers = start_workers(broker, app.config["CELERY_QUEUE"], 2)
    with app.app_context():
        version = db.session.scalars(select(SurveyVersion.version)).one()
    records = [record(version=version) for _ in range(9)]
    path = tmp_path / "queue.json"
    path.write_text(json.dumps({"records": [*records, record(version=version, language="fr")]}))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["submissions", "import", str(path), "--chunk", "3"])
        assert result.exit_code == 0, result.output
        assert "sent to the workers" in result.output and "10/10 records, 4/4 chunks, 100% done" in result.output
        assert "9 created, 0 duplicate, 0 conflict, 1 invalid" in result.output
        done_by = {name.split("@")[0] for name in db.session.scalars(select(JobChunk.done_by))}
        assert done_by and done_by <= set(workers)

    here = make_app("testing", SQLALCHEMY_DATABASE_URI=database_url)  # no broker: the chunks run in this process
    with here.app_context():
        result = here.test_cli_runner().invoke(args=["submissions", "import", str(path), "--chunk", "3"])
        assert result.exit_code == 0, result.output
        assert "0 created, 9 duplicate, 0 conflict, 1 invalid" in result.output  # nothing stored twice
        assert db.session.scalar(select(func.count(Response.id))) == 9
