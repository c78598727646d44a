"""On the tablet the consent question speaks to a person who was interviewed, in their language."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.field_kit import interview, quick_answers, settled_right_edge, tablet_page

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
            shown = [q.get_attribute("data-q") for q in page.locator("[data-screen] [data-q]:visible").all()]
            if "consent" in shown:
                break
            for name in shown:  # a group's questions share a screen
                if name in answers:
                    answers[name]()
            page.get_by_role("button", name="Next").click()
        legend = page.locator("#fq-consent legend")
        expect(legend).to_contain_text("¿Cómo podemos usar lo que nos contó?")
        expect(legend).not_to_contain_text("escribió")
        box = legend.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"]


def test_two_interviews_alike_are_told_apart_in_the_queue_by_number_and_first_answers(browser, server):
    with tablet_page(browser, server) as page:
        page.set_viewport_size(PHONE)
        page.context.set_offline(True)
        for age, story in (("18 to 24", "The park is lit now."), ("60 or older", "The bus comes less often.")):
            answers = {**quick_answers(story), "age_band": lambda p, age=age: p.get_by_label(age).check()}
            interview(page, answers)
            page.get_by_role("button", name="Back to the list").click()
        items = page.locator("[data-queue] [data-identity]")
        expect(items).to_have_count(2)
        expect(items.nth(0)).to_have_text("Interview 2 · 60 or older · Safe")  # newest first
        expect(items.nth(1)).to_have_text("Interview 1 · 18 to 24 · Safe")
        assert settled_right_edge(page, "[data-queue] [data-identity]") <= PHONE["width"]
