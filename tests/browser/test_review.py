"""On a phone, with and without JavaScript, residents check their answers and change one before sending."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Response, Testimonial
from tests.browser.resident_kit import next_page

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("javascript", [True, False])
def test_a_resident_reviews_changes_one_answer_and_sends(browser, live_server, example_survey, db, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server}/s/community-safety?lang=es")
    page.select_option("#q_site", "tumaco")
    next_page(page)
    page.get_by_label("Seguro(a)", exact=True).check()
    next_page(page, 2)
    page.locator("#q_change_story").fill("Abrieron el puesto de salud.")
    next_page(page)
    page.get_by_label("Pueden citar mis palabras", exact=True).check()
    page.get_by_role("button", name="Revisar mis respuestas").click()

    assert page.locator("h1").inner_text() == "Revise sus respuestas"
    story = page.locator("[data-review=change_story]")
    assert story.locator(".review-answer").inner_text() == "Abrieron el puesto de salud."
    assert page.locator("[data-review=safe_at_night] .review-answer").inner_text() == "Seguro(a)"
    assert db.session.scalars(select(Response)).all() == []
    change = story.get_by_role("button", name="Cambiar")
    box = change.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 44  # on screen, a full-size target
    change.click()

    assert page.url.endswith("?page=4#q_change_story")  # its page opens, with and without JavaScript
    assert page.locator("#q_change_story").input_value() == "Abrieron el puesto de salud."
    page.locator("#q_change_story").fill("Abrieron el puesto de salud en junio.")
    next_page(page)
    page.get_by_role("button", name="Revisar mis respuestas").click()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.locator("#receipt")).to_be_visible()
    context.close()
    stored = db.session.scalars(select(Testimonial).where(Testimonial.question == "change_story")).one()
    assert stored.raw_text == "Abrieron el puesto de salud en junio."
