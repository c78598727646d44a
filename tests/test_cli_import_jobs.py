"""flask submissions import: a queue file stored as a job, followed to its end, then summed up."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from survey.models import Job, JobKind, JobStatus, Response
from survey.models.base import utcnow
from survey.tasks import celery_app
from tests.web.test_api import record


def queue_file(tmp_path, records):
    path = tmp_path / "queue.json"
    path.write_text(json.dumps({"records": records}))
    return path


def test_the_command_stores_the_file_as_a_job_of_chunks_and_sums_it_up(runner, example_survey, tmp_path, db):
    records = [record(version=example_survey.version) for _ in range(5)]
    path = queue_file(tmp_path, [*records, record(version=example_survey.version, language="fr")])
    result = runner.invoke(args=["submissions", "import", str(path), "--chunk", "2"])
    assert result.exit_code == 0, result.output
    assert "6/6 records, 3/3 chunks, 100% done" in result.output
    assert "5 created, 0 duplicate, 0 conflict, 1 invalid" in result.output
    assert "language: must be en or es" in result.output
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.status, job.params["file"]) == (JobKind.IMPORT, JobStatus.DONE, "queue.json")


def test_with_a_broker_the_command_sends_the_chunks_and_follows_the_workers(
    app, runner, example_survey, tmp_path, db, monkeypatch
):
    sent: list[str] = []

    def worker(tasks):  # a worker that takes each chunk as soon as it is sent
        for name, args in tasks:
            sent.append(name)
            celery_app.tasks[name].apply(args=args)

    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr("survey.tasks.send", worker)
    path = queue_file(tmp_path, [record(version=example_survey.version) for _ in range(5)])
    result = runner.invoke(args=["submissions", "import", str(path), "--chunk", "2"])
    assert result.exit_code == 0, result.output
    job = db.session.scalars(select(Job)).one()
    assert f"Job {job.id}: 3 chunks of 5 records sent to the workers." in result.output
    assert "5 created, 0 duplicate" in result.output
    assert sent.count("voces.run_job_chunk") == 3
    assert db.session.scalar(select(func.count()).select_from(Response)) == 5


def test_a_failed_import_is_resumed_from_the_command_line(runner, example_survey, tmp_path, db, monkeypatch):
    path = queue_file(tmp_path, [record(version=example_survey.version) for _ in range(4)])

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("survey.services.import_jobs.ingest_batch", broken)
    result = runner.invoke(args=["submissions", "import", str(path), "--chunk", "2"])
    job = db.session.scalars(select(Job)).one()
    assert result.exit_code != 0 and "disk full" in result.output and f"--resume {job.id}" in result.output
    monkeypatch.undo()
    result = runner.invoke(args=["submissions", "import", "--resume", str(job.id)])
    assert result.exit_code == 0, result.output
    assert "4 created, 0 duplicate, 0 conflict, 0 invalid" in result.output
    assert runner.invoke(args=["submissions", "import", "--resume", str(job.id + 1)]).exit_code != 0
    assert "give the queue file" in runner.invoke(args=["submissions", "import"]).output


def test_a_file_that_is_not_a_queue_file_is_refused_with_why(runner, tmp_path, db):
    path = tmp_path / "queue.json"
    path.write_text('{"rows": []}')
    result = runner.invoke(args=["submissions", "import", str(path)])
    assert result.exit_code != 0 and 'a queue file holds {"records": [...]}' in result.output
    assert db.session.scalars(select(Job)).all() == []


def test_old_finished_jobs_are_deleted_from_the_command_line(app, runner, example_survey, tmp_path, db):
    path = queue_file(tmp_path, [record(version=example_survey.version)])
    assert runner.invoke(args=["submissions", "import", str(path)]).exit_code == 0
    job = db.session.scalars(select(Job)).one()
    result = runner.invoke(args=["delete-old-jobs"])
    assert result.exit_code == 0 and "Deleted 0 finished jobs older than 30 days." in result.output
    job.finished_at = utcnow() - timedelta(days=31)
    db.session.commit()
    result = runner.invoke(args=["delete-old-jobs"])
    assert "Deleted 1 finished jobs older than 30 days." in result.output
    db.session.expire_all()
    assert db.session.scalars(select(Job)).all() == []
