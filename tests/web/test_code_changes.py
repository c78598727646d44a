"""Administrators merge and split codes in the browser and read the codebook's versions in both languages."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent, Code, CodebookVersion, Role, Testimonial
from survey.services.codes import add_code
from survey.services.coding import code_passage
from tests.conftest import count, csrf_token


def _lamps(db, make_response, make_user):
    """A code of the team's on two passages of two testimonies."""
    admin, coder = make_user(Role.ADMIN, "admin@voces.example"), make_user(Role.EVALUATOR)
    for n in range(2):
        make_response(change_story=f"The lamps on street {n} are out.", what_would_help="")
    lamps = add_code("lamps", {"label_en": "Lamps", "label_es": "Faroles"}, admin)
    for story in db.session.scalars(select(Testimonial).order_by(Testimonial.id)):
        code_passage(story, ["lamps"], 4, 9, coder)
    db.session.commit()
    return admin, lamps


def test_an_admin_merges_a_code_into_another_and_it_points_there(client, login, db, make_response, make_user):
    admin, lamps = _lamps(db, make_response, make_user)
    add_code("lighting", {"label_en": "Lighting"}, admin)
    db.session.commit()
    login(admin)
    page = client.get(f"/admin/codes/{lamps.id}/edit").get_data(as_text=True)
    assert f"/admin/codes/{lamps.id}/merge" in page and f"/admin/codes/{lamps.id}/split" in page
    assert "Lighting (lighting)" in client.get(f"/admin/codes/{lamps.id}/merge").get_data(as_text=True)
    response = client.post(f"/admin/codes/{lamps.id}/merge", data={"target": "lighting"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (lamps.retired, lamps.merged_into) == (True, "lighting")
    codes = client.get("/admin/codes").get_data(as_text=True)
    assert "merged into lighting" in codes and "The codebook is at version 3." in codes
    again = client.get(f"/admin/codes/{lamps.id}/merge").get_data(as_text=True)
    assert "This code is retired" in again and 'name="target"' not in again


def test_an_admin_splits_a_code_passage_by_passage(client, login, db, make_response, make_user):
    admin, lamps = _lamps(db, make_response, make_user)
    login(admin)
    new = {"key": "broken_lamps", "label_en": "Broken lamps", "label_es": "Faroles rotos"}
    assert client.post(f"/admin/codes/{lamps.id}/split/new", data=new).status_code == 302
    assert client.post(f"/admin/codes/{lamps.id}/split/new", data=new).status_code == 400  # the key is taken
    page = client.get(f"/admin/codes/{lamps.id}/split").get_data(as_text=True)
    first, second = sorted(p.id for t in db.session.scalars(select(Testimonial)) for p in t.passages)
    assert f'name="move-{first}"' in page and 'value="broken_lamps"' in page and "lamps" in page
    data = {f"move-{first}": "broken_lamps", f"move-{second}": "", "move-999": "broken_lamps"}
    assert client.post(f"/admin/codes/{lamps.id}/split", data=data).status_code == 302
    db.session.expire_all()
    keys = sorted(p.code_key for t in db.session.scalars(select(Testimonial)) for p in t.passages)
    assert keys == ["broken_lamps", "lamps"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "split_code")).detail["moved"] == {
        "broken_lamps": 1
    }


def test_the_history_lists_every_version_in_both_languages(client, login, db, make_response, make_user):
    admin, lamps = _lamps(db, make_response, make_user)
    login(admin)
    client.post(f"/admin/codes/{lamps.id}/edit", data={"key": "lamps", "label_en": "Street lamps"})
    page = client.get("/admin/codes/history").get_data(as_text=True)
    assert "Renamed the code lamps." in page and "Added the code lamps." in page and "admin@voces.example" in page
    assert page.index("Renamed the code lamps.") < page.index("Added the code lamps.")  # newest first
    page = client.get("/admin/codes/history?lang=es").get_data(as_text=True)
    assert "Versiones del libro de códigos" in page and "Se cambió el nombre del código lamps." in page
    assert count(CodebookVersion) == 2


def test_merging_and_splitting_need_an_admin_and_the_csrf_token(
    client, login, db, make_response, make_user, app, monkeypatch
):
    admin, lamps = _lamps(db, make_response, make_user)
    login(make_user(Role.EVALUATOR))
    assert client.post(f"/admin/codes/{lamps.id}/merge", data={"target": "safety"}).status_code == 403
    client.post("/auth/logout")
    login(admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client.post(f"/admin/codes/{lamps.id}/merge", data={"target": "safety"})
    client.post(f"/admin/codes/{lamps.id}/split/new", data={"key": "other", "label_en": "Other"})
    passage = db.session.scalars(select(Testimonial)).first().passages[0]
    client.post(f"/admin/codes/{lamps.id}/split", data={f"move-{passage.id}": "safety"})
    db.session.expire_all()
    assert not lamps.retired and count(Code) == 1 and passage.code_key == "lamps"
    token = csrf_token(client.get(f"/admin/codes/{lamps.id}/merge").get_data(as_text=True))
    answer = client.post(f"/admin/codes/{lamps.id}/merge", data={"target": "safety", "csrf_token": token})
    assert answer.status_code == 302
    db.session.expire_all()
    assert lamps.merged_into == "safety"
