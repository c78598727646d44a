"""Maps only where a tile server is configured: none by default, and the page's CSP reaches that server only then."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import select

from survey.models import Role, Testimonial
from survey.questionnaire import parse_definition
from survey.services.submissions import Submission, record_submission
from survey.services.surveys import import_survey
from survey.web.maps import TileURLError, tile_source
from tests.web.test_places_and_times import DEFINITION as PLACES

TILES = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
CLINICS = {
    "form_id": "clinics",
    "version": "1",
    "title": {"en": "Clinics", "es": "Clínicas"},
    "questions": [
        {
            "name": "story",
            "type": "text",
            "appearance": "multiline",
            "testimony": True,
            "label": {"en": "What happened?"},
        },
        {"name": "spot", "type": "geopoint", "label": {"en": "Where is the clinic?", "es": "¿Dónde está la clínica?"}},
        {"name": "home", "type": "geopoint", "personal": True, "label": {"en": "Where do you live?"}},
    ],
}
CLINIC, HOME = "1.8067 -78.7645 0 12", "1.7999 -78.7701 0 4"


@pytest.fixture
def tiles(app, monkeypatch):
    """A tile server named in the settings, with an attribution that holds markup to escape."""
    monkeypatch.setitem(app.config, "MAP_TILE_URL", TILES)
    monkeypatch.setitem(app.config, "MAP_ATTRIBUTION", "© <b>Tile</b> makers")


@pytest.fixture
def places(db):
    version = import_survey(PLACES, publish=True)
    db.session.commit()
    return version


@pytest.fixture
def testimony(db, make_user, login):
    """A testimony beside a clinic's location and, as a personal answer, a home's; an evaluator's client."""
    version = import_survey(CLINICS, publish=True)
    answers = {"story": "The clinic by the river closed.", "spot": CLINIC, "home": HOME}
    record_submission(Submission(str(uuid.uuid4()), version, parse_definition(version.definition), answers, "en"))
    db.session.commit()
    item = db.session.scalars(select(Testimonial)).one()
    return login(make_user(Role.EVALUATOR)), f"/evaluate/clinics/testimonials/{item.id}"


def _img_src(response) -> str:
    return re.search(r"img-src ([^;]*);", response.headers["Content-Security-Policy"]).group(1)


def test_without_tiles_the_form_has_no_map_and_its_csp_reaches_no_tile_server(client, places):
    response = client.get("/s/places")
    page = response.get_data(as_text=True)
    assert "data-geopoint-map" not in page and "leaflet" not in page and "js/map.js" not in page
    assert _img_src(response) == "'self' data:"


def test_with_tiles_the_location_question_has_a_map_to_check_the_point(client, places, tiles):
    response = client.get("/s/places?lang=es")
    page = response.get_data(as_text=True)
    assert "data-geopoint-map" in page and f'data-tiles="{TILES}"' in page
    assert "vendor/leaflet/leaflet.js" in page and "vendor/leaflet/leaflet.css" in page and "js/map.js" in page
    assert 'data-attribution="© &lt;b&gt;Tile&lt;/b&gt; makers"' in page
    assert "El mapa muestra este punto" in page
    assert _img_src(response) == "'self' data: https://*.tile.example.org"


def test_with_tiles_a_page_without_a_map_still_reaches_no_tile_server(client, places, tiles):
    assert _img_src(client.get("/")) == "'self' data:"
    assert "tile.example.org" not in client.get("/withdraw").headers["Content-Security-Policy"]


def test_without_tiles_the_evaluator_reads_the_locations_as_text_only(testimony):
    evaluator, url = testimony
    response = evaluator.get(url)
    page = response.get_data(as_text=True)
    assert CLINIC in page and "data-point-map" not in page and "leaflet" not in page
    assert _img_src(response) == "'self' data:"


def test_with_tiles_the_evaluator_sees_the_listed_locations_on_a_map_and_no_personal_one(testimony, tiles):
    evaluator, url = testimony
    response = evaluator.get(url)
    page = response.get_data(as_text=True)
    points = json.loads(re.search(r"data-points='([^']*)'", page).group(1))
    assert points == [
        {"latitude": 1.8067, "longitude": -78.7645, "altitude": 0.0, "accuracy": 12.0, "label": "Where is the clinic?"}
    ]
    assert HOME not in page and "-78.7701" not in page  # a personal answer is neither listed nor mapped
    assert "vendor/leaflet/leaflet.js" in page
    assert _img_src(response) == "'self' data: https://*.tile.example.org"


def test_a_response_without_a_location_gets_no_map_and_no_tile_server(db, make_user, login, tiles):
    version = import_survey(CLINICS, publish=True)
    answers = {"story": "The clinic by the river closed."}
    record_submission(Submission(str(uuid.uuid4()), version, parse_definition(version.definition), answers, "en"))
    db.session.commit()
    item = db.session.scalars(select(Testimonial)).one()
    response = login(make_user(Role.EVALUATOR)).get(f"/evaluate/clinics/testimonials/{item.id}")
    assert "data-point-map" not in response.get_data(as_text=True)
    assert _img_src(response) == "'self' data:"


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8081/{z}/{x}/{y}.png", "http://127.0.0.1:8081"),
        ("/tiles/{z}/{x}/{y}.png", ""),  # this site's own: 'self' allows it
        ("data:image/png;base64,iVBORw0KGgo=", ""),  # data: is allowed already
    ],
)
def test_the_csp_source_is_the_tile_servers_origin(url, source):
    assert tile_source(url) == source


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://x.org; script-src *", "//tiles.example.org/{z}/{x}/{y}.png", "tiles"]
)
def test_a_tile_address_that_is_not_one_is_refused_when_voces_starts(make_app, url):
    with pytest.raises(TileURLError, match="MAP_TILE_URL must be"):
        make_app("testing", MAP_TILE_URL=url)
    with pytest.raises(TileURLError):
        tile_source(url)
