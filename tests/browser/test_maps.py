"""Maps in the browser, over a tile server on this machine: drawn only when it is configured, and nothing
asked of any tile server otherwise."""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Role, Testimonial
from survey.questionnaire import parse_definition
from survey.services.submissions import Submission, record_submission
from survey.services.surveys import import_survey
from tests.browser.field_kit import severe_violations
from tests.conftest import PASSWORD
from tests.web.test_maps import CLINIC, CLINICS, HOME
from tests.web.test_places_and_times import DEFINITION as PLACES

# One transparent pixel: every tile the map asks for.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


class TileServer(ThreadingHTTPServer):
    """Answers every path with the pixel and remembers what was asked."""

    asked: list[str]


class _Tiles(BaseHTTPRequestHandler):
    server: TileServer

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        self.server.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PIXEL)))
        self.end_headers()
        self.wfile.write(PIXEL)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    server = TileServer(("127.0.0.1", 0), _Tiles)
    server.asked = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def tiles(app, monkeypatch, tile_server) -> TileServer:
    monkeypatch.setitem(app.config, "MAP_TILE_URL", f"http://127.0.0.1:{tile_server.server_port}/{{z}}/{{x}}/{{y}}.png")
    monkeypatch.setitem(app.config, "MAP_ATTRIBUTION", "© Test tiles <script>")
    return tile_server


@pytest.fixture
def places(db):
    import_survey(PLACES, publish=True)
    db.session.commit()


@pytest.fixture
def testimony_url(db) -> str:
    version = import_survey(CLINICS, publish=True)
    answers = {"story": "The clinic by the river closed.", "spot": CLINIC, "home": HOME}
    record_submission(Submission(str(uuid.uuid4()), version, parse_definition(version.definition), answers, "en"))
    db.session.commit()
    return f"/evaluate/clinics/testimonials/{db.session.scalars(select(Testimonial)).one().id}"


def _requests_elsewhere(page, live_server: str) -> list[str]:
    """Record every request the page makes that does not go to Voces itself."""
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server) else elsewhere.append(request.url))
    return elsewhere


def _log_in(page, live_server, make_user) -> None:
    evaluator = make_user(Role.EVALUATOR)
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(evaluator.email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_resident_sees_the_typed_point_on_the_map(page, live_server, places, tiles):
    elsewhere = _requests_elsewhere(page, live_server)
    page.goto(f"{live_server}/s/places")
    figure = page.locator("[data-geopoint-map]")
    expect(figure).to_be_hidden()  # no point yet: no map, no tile
    assert tiles.asked == []
    page.get_by_label("Latitude (degrees)").fill("1.8067")
    page.get_by_label("Longitude (degrees)").fill("-78.7645")
    page.get_by_label("Accuracy (metres)").fill("40")
    expect(figure).to_be_visible()
    expect(figure.locator(".leaflet-tile-loaded").first).to_be_attached()
    expect(figure.locator("path.leaflet-interactive")).to_have_count(2)  # the point and its accuracy
    expect(figure.locator(".leaflet-control-attribution")).to_contain_text("© Test tiles <script>")
    assert tiles.asked and all(path.startswith("/16/") for path in tiles.asked)
    assert elsewhere and all(url.startswith(f"http://127.0.0.1:{tiles.server_port}/") for url in elsewhere)
    page.get_by_label("Latitude (degrees)").fill("95")
    expect(figure).to_be_hidden()


def test_without_tiles_the_resident_form_asks_nothing_of_anyone_else(page, live_server, places):
    elsewhere = _requests_elsewhere(page, live_server)
    page.goto(f"{live_server}/s/places")
    page.get_by_label("Latitude (degrees)").fill("1.8067")
    page.get_by_label("Longitude (degrees)").fill("-78.7645")
    assert page.locator(".leaflet-container").count() == 0 and page.locator("[data-geopoint-map]").count() == 0
    assert page.evaluate("typeof window.L") == "undefined"
    assert elsewhere == []


def test_the_evaluator_sees_the_listed_location_on_the_map(page, live_server, testimony_url, make_user, tiles):
    _log_in(page, live_server, make_user)
    elsewhere = _requests_elsewhere(page, live_server)
    page.goto(f"{live_server}{testimony_url}")
    expect(page.locator("[data-point-map] .leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("[data-point-map] path.leaflet-interactive")).to_have_count(2)
    assert tiles.asked and elsewhere
    assert HOME not in page.content()


def test_without_tiles_the_evaluator_reads_coordinates_and_no_tile_is_asked_for(
    page, live_server, testimony_url, make_user
):
    _log_in(page, live_server, make_user)
    elsewhere = _requests_elsewhere(page, live_server)
    page.goto(f"{live_server}{testimony_url}")
    expect(page.locator("dl.answers")).to_contain_text(CLINIC)
    assert page.locator(".leaflet-container").count() == 0 and elsewhere == []


def test_the_maps_keep_the_pages_accessible(browser, live_server, places, tiles, testimony_url, make_user):
    context = browser.new_context(viewport={"width": 412, "height": 915}, bypass_csp=True)  # axe-core is injected
    page = context.new_page()
    try:
        page.goto(f"{live_server}/s/places")
        page.get_by_label("Latitude (degrees)").fill("1.8067")
        page.get_by_label("Longitude (degrees)").fill("-78.7645")
        expect(page.locator("[data-geopoint-map] .leaflet-tile-loaded").first).to_be_attached()
        assert severe_violations(page) == []
        _log_in(page, live_server, make_user)
        page.goto(f"{live_server}{testimony_url}")
        expect(page.locator("[data-point-map] .leaflet-tile-loaded").first).to_be_attached()
        assert severe_violations(page) == []
    finally:
        context.close()
