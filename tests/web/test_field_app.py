"""The field app's page, service worker, manifest and icon, as the server sends them."""

from __future__ import annotations

import json
import re
import struct
from html.parser import HTMLParser

import pytest

from survey.models import Role
from survey.web.field.views import SHELL_FILES


class Scripts(HTMLParser):
    """The script tags of a page and the data- attributes of #field-app."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.app: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        if dict(attrs).get("id") == "field-app":
            self.app = dict(attrs)


@pytest.fixture
def field_page(client, make_user, login, example_survey) -> Scripts:
    login(make_user(Role.FIELD_WORKER))
    response = client.get("/field/")
    assert response.status_code == 200
    parsed = Scripts()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def test_the_field_page_carries_the_app_in_data_attributes_and_no_inline_script(field_page, client):
    assert field_page.scripts and all(s.get("src") for s in field_page.scripts)  # CSP: script-src 'self'
    sources = [s["src"].split("?v=") for s in field_page.scripts]  # versioned by their content
    assert [path for path, _version in sources] == [f"/static/{name}" for name in SHELL_FILES if name.endswith(".js")]
    assert all(len(version) == 12 for _path, version in sources)
    app = field_page.app
    assert app["data-devices-url"] == "/field/devices" and app["data-submissions-url"] == "/api/v1/submissions"
    assert app["data-worker-url"] == "/field/sw.js" and app["data-batch"] == "50"
    strings = json.loads(app["data-strings"])
    assert strings["status_conflict"] == "Kept aside for review"
    assert "%(n)s" in strings["progress"] and "%(total)s" in strings["progress"]


def test_the_field_page_says_how_to_take_and_send_files_in_english_and_spanish(field_page, client, app):
    app_data = field_page.app
    assert app_data["data-records-url"] == "/api/v1/records/__uuid__"
    assert json.loads(app_data["data-media-kinds"])["audio"] == {"accept": "audio/*", "capture": "user"}
    assert json.loads(app_data["data-media-kinds"])["file"] == {"accept": "", "capture": ""}
    assert app_data["data-media-max-bytes"] == str(app.config["MEDIA_MAX_BYTES"])
    assert json.loads(app_data["data-strings"])["removeFile"] == "Remove the file"
    spanish = Scripts()
    spanish.feed(client.get("/field/?lang=es").get_data(as_text=True))
    strings = json.loads(spanish.app["data-strings"] or "{}")
    assert strings["removeFile"] == "Quitar el archivo"
    assert strings["filesNotSaved"].startswith("%(count)s entrevistas con fotos o grabaciones")


def test_the_field_page_has_the_recorder_for_spoken_answers_in_english_and_spanish(field_page, client, app):
    assert "/static/js/audio-recorder.js" in [s["src"].split("?v=")[0] for s in field_page.scripts]
    assert field_page.app["data-record-start"] == "Start recording"
    assert field_page.app["data-record-max-bytes"] == str(app.config["MEDIA_MAX_BYTES"])
    spanish = Scripts()
    spanish.feed(client.get("/field/?lang=es").get_data(as_text=True))
    assert spanish.app["data-record-start"] == "Empezar a grabar"


def test_the_field_page_still_lists_the_web_forms_without_javascript(field_page, client):
    page = client.get("/field/").get_data(as_text=True)
    assert 'href="/s/community-safety"' in page


def test_the_interface_strings_are_translated(client, make_user, login, example_survey):
    login(make_user(Role.FIELD_WORKER))
    page = client.get("/field/?lang=es").get_data(as_text=True)
    strings = json.loads(re.search(r"data-strings='([^']*)'", page).group(1))
    assert strings["required"] == "Esta pregunta necesita una respuesta."


def test_every_shell_file_exists_so_the_worker_can_cache_it(app, client):
    body = client.get("/field/sw.js").get_data(as_text=True)
    shell = json.loads(re.search(r"self\.VOCES_SHELL = (\{.*\});", body).group(1))
    assert shell["page"] == "/field/"
    for url in shell["files"]:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: run `make vendor`" if "vendor" in url else url
        response.close()


def test_the_service_worker_is_public_never_cached_and_versioned_by_its_files(client):
    response = client.get("/field/sw.js")  # no login: the script holds no data
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    version = json.loads(re.search(r"self\.VOCES_SHELL = (\{.*\});", body).group(1))["version"]
    assert f'importScripts("/static/js/field/service-worker.js?v={version}")' in body
    assert client.get("/field/sw.js").get_data(as_text=True) == body


def test_the_manifest_makes_the_field_app_installable(client):
    response = client.get("/field/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["start_url"] == manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone" and manifest["name"]
    svg, *pngs = manifest["icons"]
    assert client.get(svg["src"]).mimetype == "image/svg+xml"
    assert [icon["sizes"] for icon in pngs] == ["192x192", "512x512"]
    for icon in pngs:
        png = client.get(icon["src"])
        assert png.mimetype == icon["type"] == "image/png"
        width, height = struct.unpack(">II", png.data[16:24])  # the IHDR chunk, right after the signature
        assert png.data[:8] == b"\x89PNG\r\n\x1a\n" and f"{width}x{height}" == icon["sizes"]
        png.close()


def test_the_worker_keeps_the_png_icons_for_an_install_with_no_signal(client):
    body = client.get("/field/sw.js").get_data(as_text=True)
    files = json.loads(re.search(r"self\.VOCES_SHELL = (\{.*\});", body).group(1))["files"]
    assert {icon["src"] for icon in client.get("/field/manifest.webmanifest").json["icons"]} <= set(files)


def test_a_tablet_registers_with_the_csrf_token_of_the_page_in_a_header(app, client, make_user, login, monkeypatch):
    login(make_user(Role.FIELD_WORKER))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = Scripts()
    page.feed(client.get("/field/").get_data(as_text=True))
    assert client.post("/field/devices").status_code == 400
    registered = client.post("/field/devices", headers={"X-CSRFToken": page.app["data-csrf"]})
    assert registered.status_code == 201 and registered.json["token"].startswith("vdt_")
