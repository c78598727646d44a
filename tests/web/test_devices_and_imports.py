"""Setting up a tablet, revoking it, and importing a queue file saved on it."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta

from sqlalchemy import select

from survey.models import Device, Response, Role
from survey.services.devices import device_for_token, register_device, revoke_device
from tests.conftest import GOOD_ANSWERS, PASSWORD


def queue_file(version, count=2, **overrides):
    records = [
        {
            "uuid": str(uuid.uuid4()),
            "survey": "community-safety",
            "version": version,
            "language": "en",
            "answers": GOOD_ANSWERS,
            "finished_at": "2026-11-01T10:00:00Z",
            **overrides,
        }
        for _ in range(count)
    ]
    return json.dumps({"records": records}).encode()


def test_a_field_worker_sets_up_a_tablet_and_gets_a_token_once(client, make_user, login, db):
    user = make_user(Role.FIELD_WORKER)
    login(user)
    response = client.post("/field/devices", data={"name": "Tablet Tumaco 2"})
    assert response.status_code == 201
    token = response.json["token"]
    device = db.session.scalars(select(Device)).one()
    assert device.name == "Tablet Tumaco 2" and device.user_id == user.id
    assert token not in device.token_hash  # only a digest is kept
    assert device_for_token(token).id == device.id


def test_a_device_is_marked_as_seen_once_a_minute_however_often_it_syncs(client, make_user, db, monkeypatch):
    import survey.services.devices as devices

    device, token = register_device(make_user(Role.FIELD_WORKER), "tablet")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.expire_all()
    first = db.session.get(Device, device.id).last_seen_at
    assert first is not None
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(Device, device.id).last_seen_at == first, "not written again within the minute"
    monkeypatch.setattr(devices, "SEEN_EVERY", timedelta(0))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(Device, device.id).last_seen_at > first


def test_an_admin_revokes_a_device(client, make_user, login, db):
    field = make_user(Role.FIELD_WORKER)
    login(field)
    token = client.post("/field/devices", data={"name": "lost"}).json["token"]
    client.post("/auth/logout")
    login(make_user(Role.ADMIN))
    device = db.session.scalars(select(Device)).one()
    assert "lost" in client.get("/admin/devices").get_data(as_text=True)
    assert client.post(f"/admin/devices/{device.id}/revoke").status_code == 302
    assert device_for_token(token) is None
    assert "revoked" in client.get("/admin/devices").get_data(as_text=True)


def test_a_revoked_tablet_cannot_register_itself_again_without_the_password(app, make_user, login, db):
    field = make_user(Role.FIELD_WORKER)
    tablet = login(field)  # the lost tablet's browser, still holding a session cookie
    assert tablet.post("/field/devices", data={"name": "lost"}).status_code == 201
    revoke_device(db.session.scalars(select(Device)).one(), by=make_user(Role.ADMIN))
    db.session.commit()

    again = tablet.post("/field/devices", data={"name": "lost"})
    assert again.status_code == 302 and "/auth/login" in again.headers["Location"]
    assert len(db.session.scalars(select(Device)).all()) == 1
    elsewhere = app.test_client()
    assert elsewhere.post("/auth/login", data={"email": field.email, "password": PASSWORD}).status_code == 302
    assert elsewhere.post("/field/devices", data={"name": "lost"}).status_code == 201  # after the password


def test_an_admin_imports_a_queue_file_twice_and_nothing_doubles(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    data = queue_file(example_survey.version, count=3)
    for _ in range(2):
        page = client.post(
            "/admin/submissions/import",
            data={"file": (io.BytesIO(data), "queue.json")},
            content_type="multipart/form-data",
            follow_redirects=True,
        ).get_data(as_text=True)
    assert "already received: <strong>3</strong>" in page
    assert len(db.session.scalars(select(Response)).all()) == 3


def test_a_broken_queue_file_gets_a_message(client, make_user, login, example_survey):
    login(make_user(Role.ADMIN))

    def upload(data: bytes, name: str = "queue.json", language: str = "en") -> str:
        return client.post(
            f"/admin/submissions/import?lang={language}",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        ).get_data(as_text=True)

    assert "not a JSON file: there is an error at line 1, column 2" in upload(b"{oops")
    assert "The file must end in .json." in upload(b"x", name="queue.txt")
    # In Spanish, the reasons too.
    not_a_queue = upload(b'{"rows": []}', language="es")
    assert "un archivo de la cola de envío contiene {&#34;records&#34;: [...]}" in not_a_queue
    latin1 = '{"records": ["año"]}'.encode("latin-1")
    assert "no es un archivo JSON: no es texto UTF-8" in upload(latin1, language="es")


def test_cli_imports_a_queue_file(runner, example_survey, tmp_path, db):
    path = tmp_path / "queue.json"
    path.write_bytes(queue_file(example_survey.version, count=2))
    first = runner.invoke(args=["submissions", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert "2 created, 0 duplicate, 0 conflict, 0 invalid" in first.output
    again = runner.invoke(args=["submissions", "import", str(path)])
    assert "0 created, 2 duplicate" in again.output
    assert len(db.session.scalars(select(Response)).all()) == 2


def test_cli_reports_invalid_records(runner, example_survey, tmp_path):
    path = tmp_path / "queue.json"
    path.write_bytes(queue_file(example_survey.version, count=1, language="fr"))
    output = runner.invoke(args=["submissions", "import", str(path)]).output
    assert "1 invalid" in output and "language: must be en or es" in output


def test_a_queue_file_for_a_closed_survey_stores_nothing_and_says_why(runner, example_survey, tmp_path, db):
    from survey.services.surveys import close_survey

    close_survey(example_survey.survey)
    db.session.commit()
    path = tmp_path / "queue.json"
    path.write_bytes(queue_file(example_survey.version, count=1))
    output = runner.invoke(args=["submissions", "import", str(path)]).output
    assert "0 created" in output and "1 invalid" in output
    assert "survey: survey 'community-safety' is closed" in output
    assert db.session.scalars(select(Response)).all() == []
