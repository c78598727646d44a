"""Administrators import, preview, publish and close surveys in the browser."""

from __future__ import annotations

import html
import io

import pytest
import yaml
from sqlalchemy import select

from survey.models import AuditEvent, Role, SurveyStatus
from survey.services.demo import EXAMPLE_SURVEY
from survey.services.surveys import get_survey
from tests.services.test_xlsform import ES, SURVEY, changed, write_xlsform
from tests.services.test_xlsform_files import FROM_FILE, MUNICIPALITIES, SHEET_CHOICES


def upload(client, name, data, publish=False):
    form = {"file": (io.BytesIO(data), name)}
    if publish:
        form["publish"] = "y"
    return client.post("/admin/surveys", data=form, content_type="multipart/form-data")


def test_an_xlsform_is_imported_previewed_and_published(client, make_user, login, tmp_path, db):
    login(make_user(Role.ADMIN))
    data = write_xlsform(tmp_path / "form.xlsx").read_bytes()
    response = upload(client, "form.xlsx", data)
    assert response.status_code == 302
    survey = get_survey("support-services")
    version = survey.versions[0]
    assert survey.status == SurveyStatus.DRAFT
    draft = client.get("/s/support-services")
    assert draft.status_code == 404, draft.get_data(as_text=True)[:3000]  # a draft is not open to residents
    preview = client.get(f"/admin/surveys/support-services/versions/{version.id}/preview?lang=es").get_data(
        as_text=True
    )
    assert "Servicios de apoyo" in preview
    assert "Revisar mis respuestas" not in preview and "Comprobar estas respuestas" in preview
    assert client.post(f"/admin/surveys/support-services/versions/{version.id}/publish").status_code == 302
    assert client.get("/s/support-services").status_code == 200
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "import_survey" in actions and "publish_survey" in actions


def test_a_broken_xlsform_is_refused_naming_its_row(client, make_user, login, tmp_path, db):
    login(make_user(Role.ADMIN))
    path = write_xlsform(tmp_path / "form.xlsx", survey=changed(SURVEY, "last_visit", type="range"))
    page = upload(client, "form.xlsx", path.read_bytes()).get_data(as_text=True)
    assert "row" in page and "range" in page
    assert get_survey("support-services") is None


def test_a_new_version_is_published_and_the_old_one_stays_readable(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    data = yaml.safe_load(EXAMPLE_SURVEY.read_text(encoding="utf-8"))
    data["version"] = "2099.1"
    data["title"]["en"] = "Community safety, second round"
    assert (
        upload(client, "new.yaml", yaml.safe_dump(data, allow_unicode=True).encode(), publish=True).status_code == 302
    )
    assert "second round" in client.get("/s/community-safety").get_data(as_text=True)
    page = client.get(f"/admin/surveys/community-safety/versions/{example_survey.id}/preview").get_data(as_text=True)
    assert "Community safety and wellbeing" in page


def test_closing_a_survey_stops_residents(client, make_user, login, example_survey, db):
    login(make_user(Role.ADMIN))
    assert client.post(f"/admin/surveys/community-safety/versions/{example_survey.id}/close").status_code == 302
    assert client.get("/s/community-safety").status_code == 404
    client.post(f"/admin/surveys/community-safety/versions/{example_survey.id}/publish")
    assert client.get("/s/community-safety").status_code == 200


def test_a_file_of_another_kind_is_refused(client, make_user, login):
    login(make_user(Role.ADMIN))
    page = upload(client, "notes.txt", b"hello").get_data(as_text=True)
    assert "Send an XLSForm workbook (.xlsx) or a YAML file (.yaml)." in page


def test_the_spanish_admin_shows_statuses_roles_and_import_warnings_in_spanish(client, make_user, login, tmp_path):
    login(make_user(Role.ADMIN))
    client.get("/admin/?lang=es")  # the language stays chosen for the upload's messages
    survey = [{"type": "start", "name": "start"}, *changed(SURVEY, "support_story", **{f"hint::{ES}": ""})]
    survey = changed(survey, "visits", appearance="ex:org.app.Visits")
    upload(client, "form.xlsx", write_xlsform(tmp_path / "form.xlsx", survey=survey).read_bytes())
    page = client.get("/admin/surveys").get_data(as_text=True)
    opened = "cuándo se abrió el formulario"
    said = (
        f"hoja survey, fila 2: start es un metadato, no una pregunta: Voces lo registra con cada respuesta ({opened})"
    )
    assert said in page
    assert "hoja survey, fila 9: hint no tiene traducción en Spanish (es)" in page
    assert "apariencia ex:org.app.Visits: se pregunta como una pregunta corriente: Voces no puede abrir una" in page
    assert "support-services, borrador" in page
    make_user(Role.FIELD_WORKER, email="worker@voces.example")
    index = client.get("/admin/?lang=es").get_data(as_text=True)
    assert "<td>borrador</td>" in index and "<td>Persona de trabajo de campo</td>" in index
    assert "<td>field_worker</td>" not in index and "draft" not in index


def upload_with_lists(client, lists, publish=True, path=None):
    form = {"file": (io.BytesIO(path.read_bytes()), "form.xlsx"), "publish": "y" if publish else ""}
    form["choice_files"] = [(io.BytesIO(data), name) for name, data in lists.items()]
    return client.post("/admin/surveys", data=form, content_type="multipart/form-data")


def test_an_xlsform_is_uploaded_with_its_csv_choice_list_and_filters_by_its_columns(client, make_user, login, tmp_path):
    login(make_user(Role.ADMIN))
    page = client.get("/admin/surveys").get_data(as_text=True)
    assert 'name="choice_files"' in page and "multiple" in page and "Choice lists and data (CSV)" in page
    path = write_xlsform(tmp_path / "form.xlsx", survey=FROM_FILE, choices=SHEET_CHOICES)
    assert upload_with_lists(client, {"municipalities.csv": MUNICIPALITIES.encode()}, path=path).status_code == 302
    survey = client.get("/s/support-services").get_data(as_text=True)
    assert 'data-choice-filter="${choice.department}=${department}"' in survey
    assert 'data-choice="{&#34;choice.name&#34;: &#34;pasto&#34;, &#34;choice.department&#34;: &#34;narino&#34;}"' in (
        survey
    )
    assert "Medellín" in survey and "Envigado" not in survey  # the file's list, not the choices sheet's


def test_a_missing_or_broken_csv_list_is_refused_naming_it_in_spanish_and_nothing_is_kept(
    client, make_user, login, tmp_path
):
    login(make_user(Role.ADMIN))
    client.get("/admin/?lang=es")
    path = write_xlsform(tmp_path / "form.xlsx", survey=FROM_FILE, choices=SHEET_CHOICES)
    page = upload_with_lists(client, {}, path=path).get_data(as_text=True)
    assert "hoja survey, fila 5, columna type: no se envió el archivo de lista de opciones municipalities.csv" in page
    page = upload_with_lists(client, {"municipalities.csv": b"name,label\nm,M\nm,N\n"}, path=path)
    assert "municipalities.csv, fila 3: el nombre m ya está en la fila 2" in page.get_data(as_text=True)
    assert get_survey("support-services") is None


def test_an_xlsform_is_uploaded_with_the_files_its_pulldata_reads_and_refused_in_spanish_without_them(
    client, make_user, login, tmp_path
):
    from tests.services.test_xlsform_data import FILES, form  # the household follow-up and its CSV files

    login(make_user(Role.ADMIN))
    client.get("/admin/?lang=es")
    path = form(tmp_path)
    page = upload_with_lists(client, {"clinics.csv": FILES["clinics.csv"]}, path=path).get_data(as_text=True)
    assert (
        "hoja survey, fila 4, columna calculation: el archivo households.csv, que lee esta expresión, no se envió "
        "con el formulario; envíelo con el libro" in page
    )
    assert get_survey("household-follow-up") is None
    assert upload_with_lists(client, FILES, path=path).status_code == 302
    assert "Luis Angulo" in client.get("/s/household-follow-up").get_data(as_text=True)  # the rows the page reads


def test_a_csv_list_larger_than_the_upload_limit_gets_the_413_page(
    client, make_user, login, tmp_path, app, monkeypatch
):
    login(make_user(Role.ADMIN))
    path = write_xlsform(tmp_path / "form.xlsx", survey=FROM_FILE, choices=SHEET_CHOICES)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", path.stat().st_size + 2000)  # the workbook alone fits
    big = MUNICIPALITIES.encode() + b"x,X,y\n" * 1000
    response = upload_with_lists(client, {"municipalities.csv": big}, path=path)
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)
    assert get_survey("support-services") is None


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_refusal_points_to_the_readme_section_by_name_or_by_link_when_the_docs_are_online(
    app, client, make_user, login, tmp_path, lang, monkeypatch
):
    login(make_user(Role.ADMIN))
    rows = [{"type": "text", "name": "town", "label": "Town", "appearance": "search('towns')"}]
    data = write_xlsform(tmp_path / "form.xlsx", survey=rows).read_bytes()
    page = client.post(
        f"/admin/surveys?lang={lang}", data={"file": (io.BytesIO(data), "f.xlsx")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    said = {"en": "Voces does not support the appearance", "es": "Voces no admite la apariencia"}[lang]
    assert said in html.unescape(page) and "XLSForm: what Voces reads" in page
    assert 'href="https://docs.example.org/README.md#xlsform-what-voces-reads"' not in page
    monkeypatch.setitem(app.config, "DOCS_URL", "https://docs.example.org/README.md")
    page = client.get(f"/admin/surveys?lang={lang}").get_data(as_text=True)
    assert '<a href="https://docs.example.org/README.md#xlsform-what-voces-reads">XLSForm: what Voces reads</a>' in page
