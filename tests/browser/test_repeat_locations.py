"""A location asked only in a repeat's instances: "Use my location" works in each, however it was made."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Answer
from survey.services.surveys import import_survey

VISITS = {
    "form_id": "visits",
    "title": "Visits",
    "questions": [
        {
            "name": "clinic",
            "type": "repeat",
            "label": "Clinic",
            "questions": [{"name": "clinic_spot", "type": "geopoint", "label": "Where is it?"}],
        },
        {
            "name": "water",
            "type": "group",
            "label": "Water",
            "questions": [
                {"name": "wells", "type": "integer", "label": "How many wells?"},
                {
                    "name": "well",
                    "type": "repeat",
                    "label": "Well",
                    "repeat_count": "${wells}",
                    "questions": [{"name": "well_spot", "type": "geopoint", "label": "Where is the well?"}],
                },
            ],
        },
    ],
}
HERE = {"latitude": 1.8067, "longitude": -78.7645, "accuracy": 12}


def locate(instance) -> None:
    """Fill an instance's empty location from the browser's."""
    latitude = instance.locator("input[data-part=latitude]")
    assert latitude.input_value() == ""
    instance.get_by_role("button", name="Use my location").click()
    expect(latitude).to_have_value("1.8067")


def test_use_my_location_works_in_the_first_an_added_and_a_counted_instance(browser, live_server, db):
    import_survey(VISITS, publish=True)
    db.session.commit()
    context = browser.new_context(geolocation=HERE, permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto(f"{live_server}/s/visits")
        clinics = page.locator("[data-repeat=clinic] [data-instance]")
        locate(clinics.nth(0))
        page.locator("[data-repeat=clinic] [data-repeat-add]").click()
        assert clinics.count() == 2
        locate(clinics.nth(1))
        page.get_by_role("button", name="Next").click()
        page.locator("input[name=q_wells]").fill("2")
        wells = page.locator("[data-repeat=well] [data-instance]")
        assert wells.count() == 2
        locate(wells.nth(0))
        locate(wells.nth(1))
        page.locator("input[name=q_wells]").fill("1")
        page.locator("input[name=q_wells]").fill("2")  # the well set aside comes back with its location
        assert wells.nth(1).locator("input[data-part=latitude]").input_value() == "1.8067"
        page.get_by_role("button", name="Review my answers").click()
        page.get_by_role("button", name="Send my answers").click()
        assert page.locator("#receipt").is_visible()
    finally:
        context.close()
    stored = db.session.execute(select(Answer.question, Answer.instance, Answer.value_text)).all()
    assert sorted(row for row in stored if row[0] != "wells") == [
        ("clinic_spot", 1, "1.8067 -78.7645 0 12"),
        ("clinic_spot", 2, "1.8067 -78.7645 0 12"),
        ("well_spot", 1, "1.8067 -78.7645 0 12"),
        ("well_spot", 2, "1.8067 -78.7645 0 12"),
    ]
