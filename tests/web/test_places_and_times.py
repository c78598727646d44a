"""Locations, times and date-times in the resident form: shown, checked, stored as ODK writes them."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from survey.models import Response, Role
from survey.services.surveys import import_survey

DEFINITION = {
    "form_id": "places",
    "version": "1",
    "title": {"en": "Places", "es": "Lugares"},
    "questions": [
        {"name": "spot", "type": "geopoint", "label": {"en": "Where is the clinic?", "es": "¿Dónde está?"}},
        {"name": "track", "type": "geotrace", "label": {"en": "The road", "es": "La vía"}},
        {"name": "opens", "type": "time", "label": {"en": "Opens at", "es": "Abre a las"}},
        {"name": "seen", "type": "datetime", "label": {"en": "Last seen", "es": "Última vez"}},
    ],
}
URL = "/s/places"


@pytest.fixture
def places(db):
    version = import_survey(DEFINITION, publish=True)
    db.session.commit()
    return version


def post(client, **fields):
    data = {"uuid": str(uuid.uuid4())}
    data.update(fields)
    return client.post(URL, data=data)


def test_a_location_question_offers_latitude_longitude_accuracy_and_the_browsers_location(client, places):
    page = client.get(URL).get_data(as_text=True)
    assert page.count('name="q_spot"') == 4  # latitude, longitude, a hidden altitude, accuracy
    assert 'data-part="latitude"' in page and 'data-part="accuracy"' in page
    assert "Latitude (degrees)" in page and "Use my location" in page
    assert "js/geopoint.js" in page
    assert 'type="time"' in page and 'type="datetime-local"' in page
    assert "<textarea" in page and 'name="q_track"' in page


def test_the_location_question_speaks_spanish(client, places):
    page = client.get(URL + "?lang=es").get_data(as_text=True)
    assert "Usar mi ubicación" in page and "Latitud (grados)" in page


def test_a_location_and_times_are_stored_as_odk_strings(client, places, db):
    response = post(
        client,
        q_spot=["1,8067", "-78.7645", "", "12"],
        q_track="1.8 -78.7\n1.81 -78.71 0 4\n",
        q_opens="07:30",
        q_seen="2026-12-01T18:45",
    )
    assert response.status_code == 302
    stored = db.session.scalars(select(Response)).one()
    answers = {a.question: a.value_text for a in stored.answers}
    assert answers == {
        "spot": "1.8067 -78.7645 0 12",
        "track": "1.8 -78.7;1.81 -78.71 0 4",
        "opens": "07:30",
        "seen": "2026-12-01T18:45",
    }
    assert all(a.value_number is None for a in stored.answers)


@pytest.mark.parametrize(
    "spot",
    [["95", "-78", "", "5"], ["1.8", "", "", "5"], ["north", "west", "", ""], ["1.8", "-78", "", "-3"]],
)
def test_a_location_out_of_range_or_half_typed_is_refused_and_kept_as_typed(client, places, db, spot):
    response = post(client, q_spot=spot)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give a latitude between -90 and 90" in page
    assert f'value="{spot[0]}"' in page  # what was typed stays in the box
    assert db.session.scalars(select(Response)).first() is None


def test_an_empty_location_is_no_answer(client, places, db):
    assert post(client, q_spot=["", "", "0", ""]).status_code == 302
    assert db.session.scalars(select(Response)).one().answers == []


def test_a_wrong_time_and_a_short_line_are_refused(client, places, db):
    page = post(client, q_opens="25:00", q_track="1 2").get_data(as_text=True)
    assert "Not a valid time of day" in page
    assert "Give at least 2 points, one per line" in page
    assert db.session.scalars(select(Response)).first() is None


def test_evaluators_summary_and_export_carry_locations_as_text(client, places, db, make_user, login):
    for n in range(5):  # groups smaller than five are withheld
        assert post(client, q_spot=[f"1.{n}", "-78.7", "", "9"], q_opens="07:30").status_code == 302
    login(make_user(Role.EVALUATOR))
    assert client.get("/evaluate/places").status_code == 200
    export = client.get("/evaluate/places/export.csv")
    assert export.status_code == 200
    assert "1.3 -78.7 0 9" in export.get_data(as_text=True)


def test_a_location_asked_only_in_a_repeat_brings_the_browsers_location(client, db):
    import_survey(
        {
            "form_id": "wells",
            "title": "Wells",
            "questions": [
                {
                    "name": "well",
                    "type": "repeat",
                    "label": "Well",
                    "questions": [{"name": "well_spot", "type": "geopoint", "label": "Where is the well?"}],
                }
            ],
        },
        publish=True,
    )
    db.session.commit()
    assert "js/geopoint.js" in client.get("/s/wells").get_data(as_text=True)
