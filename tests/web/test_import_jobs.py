"""Importing a queue file on the admin pages: the upload checked at once, a job, then its results."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from sqlalchemy import select

from survey.models import AuditEvent, Job, JobKind, JobStatus, Response, Role
from survey.models.base import utcnow
from survey.services.import_jobs import start_import
from tests.conftest import PASSWORD, csrf_token
from tests.web.test_api import record


def upload(client, records, **kwargs):
    data = json.dumps({"records": records}).encode()
    return client.post(
        "/admin/submissions/import",
        data={"file": (io.BytesIO(data), "tablet-7.json")},
        content_type="multipart/form-data",
        **kwargs,
    )


def test_an_upload_becomes_a_job_whose_page_shows_the_results(client, make_user, login, example_survey, db):
    admin = make_user(Role.ADMIN)
    login(admin)
    records = [record(version=example_survey.version) for _ in range(3)]
    records.append(record(version="<b>9</b>"))
    answer = upload(client, records)
    job = db.session.scalars(select(Job)).one()
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/admin/submissions/import/{job.id}")
    assert (job.kind, job.status, job.total_items, job.created_by_id) == (JobKind.IMPORT, JobStatus.DONE, 4, admin.id)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "tablet-7.json" in page and '<progress value="100" max="100"' in page
    assert "stored: <strong>3</strong>" in page and "invalid: <strong>1</strong>" in page
    assert records[3]["uuid"] in page and "version: " in page and "&#39;&lt;b&gt;9&lt;/b&gt;&#39;" in page
    assert "<b>9" not in page and 'http-equiv="refresh"' not in page
    assert len(db.session.scalars(select(Response)).all()) == 3
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import_queue_file")).one()
    assert (event.actor_id, event.target_type, event.target_id, event.detail) == (
        admin.id,
        "job",
        str(job.id),
        {"records": 4},
    )
    jobs = client.get("/admin/jobs").get_data(as_text=True)
    assert f'href="/admin/submissions/import/{job.id}"' in jobs and "4 of 4 records" in jobs


def test_the_results_are_in_the_importers_language(client, make_user, login, example_survey):
    login(make_user(Role.ADMIN))
    client.get("/?lang=es")
    answer = upload(client, [record(version=example_survey.version, language="fr")], follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "language: debe ser en o es" in page and "inválidos: <strong>1</strong>" in page
    assert "1 de 1 registros (100%)" in page and "Importar otro archivo" in page


def test_a_job_not_done_yet_shows_its_progress_and_can_be_resumed(client, make_user, login, example_survey, db):
    data = json.dumps({"records": [record(version=example_survey.version) for _ in range(5)]}).encode()
    job = start_import(data, chunk_size=2)
    db.session.commit()
    login(make_user(Role.ADMIN))
    page = client.get(f"/admin/submissions/import/{job.id}").get_data(as_text=True)
    assert "Resume" not in page  # just planned: its chunks are on their way to the workers
    job.started_at = utcnow() - timedelta(minutes=10)  # then no chunk for ten minutes
    db.session.commit()
    page = client.get(f"/admin/submissions/import/{job.id}").get_data(as_text=True)
    assert '<progress value="0" max="100"' in page and 'http-equiv="refresh"' in page and "Resume" in page
    answer = client.post(f"/admin/jobs/{job.id}/resume")
    assert answer.headers["Location"].endswith(f"/admin/submissions/import/{job.id}")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "stored: <strong>5</strong>" in page and "Resume" not in page


def test_a_file_that_is_not_a_queue_file_is_refused_on_the_page(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    page = client.post(
        "/admin/submissions/import",
        data={"file": (io.BytesIO(b'{"rows": []}'), "queue.json")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200 and "a queue file holds" in page.get_data(as_text=True)
    assert db.session.scalars(select(Job)).all() == []


def test_only_administrators_import_or_see_an_import(client, make_user, login, example_survey, db):
    job = start_import(json.dumps({"records": [record(version=example_survey.version)]}).encode())
    db.session.commit()
    for role in (Role.FIELD_WORKER, Role.EVALUATOR, Role.LEAD_EVALUATOR):
        login(make_user(role))
        assert upload(client, [record(version=example_survey.version)]).status_code == 403
        assert client.get(f"/admin/submissions/import/{job.id}").status_code == 403
        client.post("/auth/logout")
    assert len(db.session.scalars(select(Job)).all()) == 1
    login(make_user(Role.ADMIN))
    rerun = client.post("/admin/jobs", data={"everything": "y"})
    assert rerun.status_code == 302
    other = db.session.scalars(select(Job).where(Job.kind != JobKind.IMPORT)).one()
    assert client.get(f"/admin/submissions/import/{other.id}").status_code == 404  # not an import


def test_importing_needs_the_csrf_token(app, client, make_user, monkeypatch, example_survey, db):
    admin = make_user(Role.ADMIN)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    assert upload(client, [record(version=example_survey.version)]).status_code == 400
    assert db.session.scalars(select(Job)).all() == []
    token = csrf_token(client.get("/admin/submissions/import").get_data(as_text=True))
    data = json.dumps({"records": [record(version=example_survey.version)]}).encode()
    answer = client.post(
        "/admin/submissions/import",
        data={"file": (io.BytesIO(data), "queue.json"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302 and len(db.session.scalars(select(Job)).all()) == 1


def test_a_new_upload_deletes_the_imports_past_their_keeping_time(app, client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    upload(client, [record(version=example_survey.version)])
    old = db.session.scalars(select(Job)).one()
    old.finished_at = utcnow() - timedelta(days=app.config["JOB_KEEP_DAYS"] + 1)
    db.session.commit()
    old_id = old.id
    assert client.get(f"/admin/submissions/import/{old_id}").status_code == 200
    upload(client, [record(version=example_survey.version)])
    db.session.expire_all()
    assert len(db.session.scalars(select(Job)).all()) == 1 and db.session.get(Job, old_id) is None
    assert client.get(f"/admin/submissions/import/{old_id}").status_code == 404
