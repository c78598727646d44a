"""REFI-QDA over HTTP: evaluators download a project or the codebook, administrators import them, all audited."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import delete, select

from survey.models import AuditEvent, Code, CodedPassage, Memo, Role, TagSource, ThemeTag
from tests.conftest import NAMED

URL = "/evaluate/community-safety"


def test_an_evaluator_downloads_the_project_audited(client, make_user, login, coded, db):
    person = make_user(Role.EVALUATOR)
    evaluator = login(person)
    assert "export.qdpx?machine=1" in evaluator.get(f"{URL}/testimonies").get_data(as_text=True)
    answer = evaluator.get(f"{URL}/export.qdpx?machine=1")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert 'filename="community-safety.qdpx"' in answer.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.get_data()))
    texts = [archive.read(n).decode("utf-8") for n in archive.namelist()]
    assert any("[name] told me the clinic closed" in t for t in texts)
    assert not any("Ramírez" in t for t in texts)  # only the redacted text leaves
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.detail["format"], event.detail["machine_tags"], event.actor_id) == ("qdpx", True, person.id)


def test_the_project_follows_the_lists_filters_and_the_small_group_rule(client, make_user, login, coded):
    login(make_user(Role.EVALUATOR))
    assert client.get(f"{URL}/export.qdpx?q=clinic").status_code == 200  # the five testimonies say it
    answer = client.get(f"{URL}/export.qdpx?q=shootings")  # one testimony: too few to export
    assert answer.status_code == 302 and "/testimonies?q=shootings" in answer.headers["Location"]


def test_the_codebook_downloads_in_the_pages_language(client, make_user, login, coded, db):
    login(make_user(Role.EVALUATOR))
    answer = client.get(f"{URL}/export.qdc", headers={"Accept-Language": "es"})
    assert answer.status_code == 200 and answer.mimetype == "application/xml"
    assert b'name="Alumbrado"' in answer.get_data()
    assert db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "export")).one()["format"] == "qdc"


def test_an_administrator_imports_a_project_back_into_a_voces_without_coding(client, make_user, login, coded, db):
    project = login(make_user(Role.EVALUATOR)).get(f"{URL}/export.qdpx").get_data()
    client.post("/auth/logout")
    for statement in (delete(Memo), delete(CodedPassage), delete(ThemeTag).where(ThemeTag.source == TagSource.PASSAGE)):
        db.session.execute(statement)
    db.session.execute(delete(Code))
    db.session.commit()
    login(make_user(Role.ADMIN))
    data = {"file": (io.BytesIO(project), "project.qdpx"), "survey": "community-safety"}
    answer = client.post("/admin/refi-qda", data=data, content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Coded passages added: <strong>3</strong>" in page
    assert len(db.session.scalars(select(CodedPassage)).all()) == 3
    assert len(db.session.scalars(select(Memo)).all()) == 4
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import_refi_qda")).one()


def test_a_malformed_file_is_refused_with_its_line_and_changes_nothing(client, make_user, login, coded, db):
    login(make_user(Role.ADMIN))
    bad = b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>\n<Code guid='nope' name='X' isCodable='true'/>"
    data = {"file": (io.BytesIO(bad + b"</Codes></CodeBook>"), "codes.qdc"), "survey": ""}
    answer = client.post("/admin/refi-qda", data=data, content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "line 2: &lt;Code&gt; has no valid guid" in page
    assert [c.key for c in db.session.scalars(select(Code))] == ["street_lighting"]
    wrong = client.post(
        "/admin/refi-qda", data={"file": (io.BytesIO(b"x"), "codes.txt")}, content_type="multipart/form-data"
    )
    assert "The file must end in .qdc or .qdpx." in wrong.get_data(as_text=True)


def test_a_project_needs_its_survey(client, make_user, login, coded):
    project = login(make_user(Role.ADMIN)).get(f"{URL}/export.qdpx").get_data()
    data = {"file": (io.BytesIO(project), "p.qdpx"), "survey": ""}
    answer = client.post("/admin/refi-qda", data=data, content_type="multipart/form-data")
    assert answer.status_code == 400 and "choose one" in answer.get_data(as_text=True)


def test_the_cli_writes_a_project_and_a_codebook(runner, coded, tmp_path, db):
    out = tmp_path / "project.qdpx"
    result = runner.invoke(args=["export", "community-safety", "--format", "qdpx", "-o", str(out), "--machine-tags"])
    assert result.exit_code == 0, result.output
    assert "4 memos" in result.output
    with zipfile.ZipFile(out) as archive:
        assert "project.qde" in archive.namelist()
        assert not any(NAMED.encode() in archive.read(n) for n in archive.namelist())
    codebook = tmp_path / "codes.qdc"
    result = runner.invoke(args=["export", "community-safety", "--format", "qdc", "-o", str(codebook)])
    assert result.exit_code == 0 and b'name="Street lighting"' in codebook.read_bytes()
    formats = [e.detail["format"] for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export"))]
    assert sorted(formats) == ["qdc", "qdpx"]


def test_the_import_page_and_the_export_links_speak_spanish(client, make_user, login, coded):
    login(make_user(Role.ADMIN))
    spanish = {"Accept-Language": "es"}
    page = client.get("/admin/refi-qda", headers=spanish).get_data(as_text=True)
    assert "Importar de programas de análisis cualitativo" in page and "Ninguna: importar solo los códigos" in page
    listing = client.get(f"{URL}/testimonies", headers=spanish).get_data(as_text=True)
    assert "solo el libro de códigos (QDC)" in listing
