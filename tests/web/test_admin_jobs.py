"""The jobs page: progress bars, a rerun started by an administrator (audited, CSRF), resumes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from survey.models import AuditEvent, Job, JobKind, JobStatus, LearnedModel, Role, Testimonial
from survey.models.base import utcnow
from survey.services.corrections import correct_themes
from survey.services.jobs import start_rerun
from tests.conftest import PASSWORD, csrf_token


def test_a_rerun_started_on_the_page_runs_and_shows_its_progress(client, make_user, login, make_response, db):
    for _ in range(3):
        make_response()
    db.session.execute(update(Testimonial).values(analyser_version="old"))
    db.session.commit()
    admin = make_user(Role.ADMIN)
    login(admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "No job has run yet." in page and 'name="everything"' in page
    answer = client.post("/admin/jobs", data={"survey": "community-safety"}, follow_redirects=True)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "6 testimonies to analyse" in text
    job = db.session.scalars(select(Job)).one()  # no broker in the tests: it ran after the request committed
    assert (job.status, job.done_items, job.params, job.created_by_id) == (
        JobStatus.DONE,
        6,
        {"survey": "community-safety"},
        admin.id,
    )
    assert '<progress value="100" max="100"' in text and 'http-equiv="refresh"' not in text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "start_job")).one()
    assert event.actor_id == admin.id and event.target_id == str(job.id) and event.detail == {"kind": "rerun"}


def test_a_job_still_moving_cannot_be_resumed_twice_over(client, make_user, login, make_response, db):
    make_response()
    job = start_rerun(everything=True)
    db.session.commit()
    login(make_user(Role.ADMIN))
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert '<progress value="0" max="100"' in page and 'http-equiv="refresh"' in page and "Resume" not in page
    assert "finished no chunk for 10 minutes" in page
    page = client.post(f"/admin/jobs/{job.id}/resume", follow_redirects=True).get_data(as_text=True)
    assert f"Job {job.id} is still moving" in page
    db.session.expire_all()
    assert job.status == JobStatus.QUEUED and job.done_items == 0
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "resume_job")).first() is None


def test_a_stalled_job_refreshes_the_page_and_can_be_resumed(client, make_user, login, make_response, db):
    make_response()
    job = start_rerun(everything=True)
    job.created_at = utcnow() - timedelta(minutes=11)  # planned, then its worker stopped before any chunk
    db.session.commit()
    login(make_user(Role.ADMIN))
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert '<progress value="0" max="100"' in page and 'http-equiv="refresh"' in page and "Resume" in page
    assert client.post(f"/admin/jobs/{job.id}/resume").status_code == 302
    db.session.expire_all()
    assert job.status == JobStatus.DONE and job.percent == 100
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "resume_job")).one()


def test_an_unknown_survey_is_refused_and_the_form_shown_again(client, make_user, login, db):
    login(make_user(Role.ADMIN))
    answer = client.post("/admin/jobs", data={"survey": "no-such-survey", "everything": "y"})
    assert answer.status_code == 200 and "Not a valid choice" in answer.get_data(as_text=True)
    assert db.session.scalars(select(Job)).all() == []


def test_starting_a_rerun_needs_the_csrf_token(app, client, make_user, monkeypatch, example_survey, db):
    admin = make_user(Role.ADMIN)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    assert client.post("/admin/jobs", data={}).status_code == 400
    token = csrf_token(client.get("/admin/jobs").get_data(as_text=True))
    assert client.post("/admin/jobs", data={"csrf_token": token}).status_code == 302
    assert len(db.session.scalars(select(Job)).all()) == 1


def test_learning_from_the_corrections_is_a_job_whose_codebook_an_admin_compares_then_uses(
    client, make_user, login, make_response, db
):
    evaluator = make_user(Role.EVALUATOR)
    for n in range(12):
        story = "We grow cacao now and sell it in town." if n % 2 else "My cousin is in rehab and doing well."
        make_response(change_story=story, what_would_help="")
    for t in db.session.scalars(select(Testimonial)):
        correct_themes(
            t, {"livelihoods"} if "cacao" in t.raw_text else {"recovery"}, ["livelihoods", "recovery"], evaluator
        )
    db.session.commit()
    admin = make_user(Role.ADMIN)
    login(admin)
    page = client.post("/admin/jobs/retrain", follow_redirects=True).get_data(as_text=True)
    assert "learning a codebook from the corrections" in page and "learning from the corrections" in page
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.status, job.percent) == (JobKind.RETRAIN, JobStatus.DONE, 100)
    model = db.session.scalars(select(LearnedModel)).one()
    assert not model.active and model.source == "corrections" and model.examples == 12
    # Beside its own held-out score, the tagging in use (the default codebook) on the same texts.
    before = model.scores["before"]
    assert 0 <= before["macro_f1"] <= 1 and 0 <= before["micro_f1"] <= 1
    page = client.get("/admin/?lang=es").get_data(as_text=True)
    assert "Usarlo" in page and f"{before['macro_f1']:.3f}" in page
    assert client.post(f"/admin/learned/{model.id}/activate").status_code == 302
    assert db.session.get(LearnedModel, model.id).active
    assert "activate_learned" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_a_retraining_that_cannot_learn_fails_with_its_reason(client, make_user, login, db):
    login(make_user(Role.ADMIN))
    client.post("/admin/jobs/retrain")
    job = db.session.scalars(select(Job)).one()
    assert job.status == JobStatus.FAILED and job.error
    assert job.error in client.get("/admin/jobs").get_data(as_text=True)


def test_the_jobs_page_says_how_long_finished_jobs_are_kept(app, client, make_user, login, monkeypatch, db):
    monkeypatch.setitem(app.config, "JOB_KEEP_DAYS", 12)
    login(make_user(Role.ADMIN))
    assert "A finished job is deleted 12 days after it ends" in client.get("/admin/jobs").get_data(as_text=True)
    assert "Un trabajo terminado se borra 12 días después" in client.get("/admin/jobs?lang=es").get_data(as_text=True)
