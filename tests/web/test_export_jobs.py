"""Exports prepared in the background, asked for from the list: followed, downloaded by their asker, audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.models import AuditEvent, Job, JobKind, JobStatus, Role
from tests.conftest import PASSWORD, csrf_token

URL = "/evaluate/community-safety"


def stories(make_response) -> None:
    for n in range(6):
        make_response(change_story=f"Shootings at night, street {n}.", what_would_help="", safe_at_night="5")
    for n in range(6):
        make_response(change_story=f"The clinic closed, ward {n}.", what_would_help="", safe_at_night="1")


def download_links(page: str) -> list[str]:
    return re.findall(r'href="(/evaluate/exports/\d+/[^"]+)"', page)


def test_an_export_prepared_in_the_background_is_the_direct_download(client, make_user, login, make_response, db):
    stories(make_response)
    evaluator = login(make_user(Role.EVALUATOR))
    listing = evaluator.get(f"{URL}/testimonies?theme=safety").get_data(as_text=True)
    assert "Prepare in the background" in listing and f'action="{URL}/exports?theme=safety"' in listing
    answer = evaluator.post(f"{URL}/exports?theme=safety", data={"file_format": "csv"}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Export" in page and "being prepared" in page
    job = db.session.scalars(select(Job)).one()  # without a broker the chunks ran once the request committed
    assert (job.kind, job.status, job.params["filters"]["theme"]) == (JobKind.EXPORT, JobStatus.DONE, "safety")
    assert 'value="100"' in page and "theme: safety" in page
    links = download_links(page)
    assert [link.rsplit("/", 1)[1] for link in links] == ["community-safety-responses.csv", "community-safety-tags.csv"]
    for link, table in zip(links, ["", "&table=tags"], strict=True):
        prepared = evaluator.get(link)
        assert prepared.status_code == 200 and "attachment" in prepared.headers["Content-Disposition"]
        assert prepared.get_data() == evaluator.get(f"{URL}/export.csv?theme=safety{table}").get_data()
        prepared.close()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)).all()
    # each prepared file leaves the audit line its direct download leaves, with the job that prepared it
    assert [e.detail["format"] for e in events] == ["csv", "csv", "csv-tags", "csv-tags"]
    assert all(e.detail["filters"] == {"theme": "safety"} and e.target_id == "community-safety" for e in events)
    assert [e.detail.get("job") for e in events] == [job.id, None, job.id, None]


def test_only_the_asker_and_administrators_see_and_download_an_export(client, make_user, login, make_response, db, app):
    stories(make_response)
    asker, other, admin = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR), make_user(Role.ADMIN)
    login(asker)
    client.post(f"{URL}/exports?for=publication", data={"file_format": "xlsx", "publication": "y"})
    job = db.session.scalars(select(Job)).one()
    assert job.params["publication"] is True and job.params["files"] == {"xlsx": "community-safety-responses.xlsx"}
    link = f"/evaluate/exports/{job.id}/community-safety-responses.xlsx"
    assert link in client.get("/evaluate/exports").get_data(as_text=True)
    login(other)
    assert link not in client.get("/evaluate/exports").get_data(as_text=True)
    assert client.get(link).status_code == 404
    assert client.get(f"/evaluate/exports/{job.id}/voces.db").status_code == 404
    login(admin)
    page = client.get("/evaluate/exports").get_data(as_text=True)
    assert link in page and asker.email in page
    answer = client.get(link)
    assert answer.status_code == 200 and answer.get_data()[:2] == b"PK"
    answer.close()


def test_a_small_group_is_not_prepared(client, make_user, login, make_response, db):
    for n in range(4):
        make_response(change_story=f"Few words {n}.", what_would_help="")
    login(make_user(Role.EVALUATOR))
    answer = client.post(f"{URL}/exports", data={"file_format": "csv"})
    assert answer.status_code == 302 and "/testimonies" in answer.headers["Location"]
    assert "minimum group" in client.get(answer.headers["Location"]).get_data(as_text=True)
    assert db.session.scalars(select(Job)).all() == []


def test_an_unknown_format_is_refused_with_what_to_choose(client, make_user, login, make_response, db):
    stories(make_response)
    login(make_user(Role.EVALUATOR))
    answer = client.post(f"{URL}/exports", data={"file_format": "pdf"}, follow_redirects=True)
    assert "Choose the workbook or the CSV files" in answer.get_data(as_text=True)
    assert db.session.scalars(select(Job)).all() == []


def test_asking_for_an_export_needs_the_csrf_token(app, client, make_user, make_response, monkeypatch, db):
    stories(make_response)
    evaluator = make_user(Role.EVALUATOR)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": evaluator.email, "password": PASSWORD, "csrf_token": token})
    assert client.post(f"{URL}/exports", data={"file_format": "csv"}).status_code == 400
    assert db.session.scalars(select(Job)).all() == []
    token = csrf_token(client.get(f"{URL}/testimonies").get_data(as_text=True))
    client.post(f"{URL}/exports", data={"file_format": "csv", "csrf_token": token})
    assert len(db.session.scalars(select(Job)).all()) == 1


def test_the_pages_in_spanish(client, make_user, login, make_response):
    stories(make_response)
    login(make_user(Role.EVALUATOR))
    listing = client.get(f"{URL}/testimonies?lang=es").get_data(as_text=True)
    assert "Preparar en segundo plano" in listing and "Exportaciones preparadas en segundo plano" in listing
    client.post(f"{URL}/exports", data={"file_format": "csv"})
    page = client.get("/evaluate/exports?lang=es").get_data(as_text=True)
    assert "12 de 12 respuestas" in page and "se borran después de 7 días" in page and "Se borra el" in page


def test_reading_the_list_deletes_nothing_and_asking_again_clears_the_expired(
    client, make_user, login, make_response, db, app, monkeypatch
):
    from datetime import timedelta

    from sqlalchemy import update

    from survey.models.base import utcnow
    from survey.services.export_jobs import job_folder

    stories(make_response)
    login(make_user(Role.EVALUATOR))
    client.post(f"{URL}/exports", data={"file_format": "csv"})
    old = db.session.scalars(select(Job)).one()
    old_params = dict(old.params)
    link = download_links(client.get("/evaluate/exports").get_data(as_text=True))[0]
    monkeypatch.setitem(app.config, "EXPORT_KEEP_DAYS", 2)
    db.session.execute(update(Job).where(Job.id == old.id).values(finished_at=utcnow() - timedelta(days=3)))
    db.session.commit()
    page = client.get("/evaluate/exports").get_data(as_text=True)
    assert link not in page and client.get(link).status_code == 404
    assert db.session.scalars(select(Job.id)).all() == [old.id] and job_folder(old).is_dir()
    client.post(f"{URL}/exports", data={"file_format": "csv"})
    db.session.expire_all()
    [new] = db.session.scalars(select(Job)).all()  # the old one deleted (SQLite may give its id again)
    assert new.params["folder"] != old_params["folder"]
    assert not (job_folder(new).parent / old_params["folder"]).exists()
