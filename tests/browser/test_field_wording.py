"""On the tablet the consent question speaks to a person who was interviewed, in their language."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.field_kit import tablet_page

PHONE = {"width": 390, "height": 844}


def test_the_interview_asks_how_to_use_what_the_person_told_us(browser, server):
    with tablet_page(browser, server) as page:
        page.set_viewport_size(PHONE)
        page.locator("[data-survey=community-safety]").click()
        page.get_by_label("Español").check()
        page.get_by_label("Tumaco").check()
        page.get_by_label("In person", exact=True).check()
        page.get_by_role("button", name="Next").click()
        answers = {
            "safe_at_night": lambda: page.get_by_label("Seguro(a)", exact=True).check(),
            "change_story": lambda: page.locator("#fq-change_story-input").fill("Hay más luz en la calle."),
        }
        for _ in range(15):
            question = page.locator("[data-screen] [data-q]:visible").first.get_attribute("data-q")
            if question == "consent":
                break
            if question in answers:
                answers[question]()
            page.get_by_role("button", name="Next").click()
        legend = page.locator("#fq-consent legend")
        expect(legend).to_contain_text("¿Cómo podemos usar lo que nos contó?")
        expect(legend).not_to_contain_text("escribió")
        box = legend.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"]
