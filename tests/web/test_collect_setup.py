"""Setting a tablet up for ODK Collect or KoboCollect in one scan."""

from __future__ import annotations

import re

from survey.models import Device, Role
from survey.services.collect_setup import collect_settings, qr_svg, read_payload, settings_payload
from tests.conftest import count


def test_the_qr_payload_is_collects_format_zlib_json_in_base64():
    settings = collect_settings("https://voces.example/openrosa/vdt_x", "Voces")
    decoded = read_payload(settings_payload(settings))
    assert decoded["general"]["server_url"] == "https://voces.example/openrosa/vdt_x"
    assert decoded["project"]["name"] == "Voces"
    assert decoded["admin"]["delete_saved"] is False


def test_a_field_worker_gets_a_qr_code_whose_server_url_opens_the_form_list(client, login, make_user, example_survey):
    login(make_user(Role.FIELD_WORKER))
    assert 'name="name"' in client.get("/field/collect").get_data(as_text=True)
    page = client.post("/field/collect", data={"name": "Tablet 3"}).get_data(as_text=True)
    server_url = re.search(r"<code data-server-url>([^<]+)</code>", page).group(1)
    assert server_url.startswith("http://localhost/openrosa/vdt_")
    payload = settings_payload(collect_settings(server_url, "Voces"))
    assert qr_svg(payload) in page  # the code drawn encodes this tablet's own server URL
    assert count(Device) == 1
    form_list = client.get(server_url.removeprefix("http://localhost") + "/formList")
    assert form_list.status_code == 200
    assert b"community-safety" in form_list.data


def test_an_unnamed_tablet_gets_no_code(client, login, make_user):
    login(make_user(Role.FIELD_WORKER))
    page = client.post("/field/collect", data={"name": ""}).get_data(as_text=True)
    assert "<svg" not in page
    assert count(Device) == 0
