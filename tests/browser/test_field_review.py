"""Before "Finish the interview" the tablet shows every answer, with a way back to each question."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.field_kit import responses, severe_violations, tablet_page

PHONE = {"width": 390, "height": 844}


def test_the_answers_are_checked_and_one_changed_before_finishing(browser, server, field_app):
    with tablet_page(browser, server, bypass_csp=True) as page:
        page.set_viewport_size(PHONE)
        page.context.set_offline(True)
        page.locator("[data-survey=community-safety]").click()
        page.get_by_label("Español").check()
        page.get_by_label("Tumaco").check()
        page.get_by_label("In person", exact=True).check()
        page.get_by_role("button", name="Next").click()
        answers = {
            "age_band": lambda: page.get_by_label("25 a 39").check(),
            "safe_at_night": lambda: page.get_by_label("Seguro(a)", exact=True).check(),
            "change_story": lambda: page.locator("#fq-change_story-input").fill("Hay más luz en la calle."),
            "consent": lambda: page.get_by_label("Pueden citar mis palabras", exact=True).check(),
        }
        finish = page.get_by_role("button", name="Finish the interview")
        for _ in range(20):
            if page.locator("#h-review").is_visible():
                break
            expect(finish).to_be_hidden()  # no finishing before the answers were shown
            for question in page.locator("[data-screen] [data-q]:visible").all():  # a group's questions
                name = question.get_attribute("data-q")
                if name in answers:
                    answers[name]()
            page.get_by_role("button", name="Next").click()

        expect(page.locator("[data-progress-text]")).to_have_text("Checking the answers")
        expect(page.locator("[data-review=age_band] .review-answer")).to_have_text("25 a 39")
        expect(page.locator("[data-review=trust_police] .review-answer")).to_have_text("Not answered")
        expect(page.locator("[data-review=consent] dt")).to_have_text("¿Cómo podemos usar lo que nos contó?")
        assert page.locator("[data-review=support_experience]").count() == 0  # it does not apply
        assert responses(field_app) == []
        assert severe_violations(page) == []
        change = page.locator("[data-review=age_band]").get_by_role("button", name="Change")
        box = change.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 44
        change.click()

        expect(page.locator("[data-screen] [data-q=age_band]")).to_be_visible()
        page.get_by_label("40 a 59").check()
        while not page.locator("#h-review").is_visible():
            page.get_by_role("button", name="Next").click()
        expect(page.locator("[data-review=age_band] .review-answer")).to_have_text("40 a 59")
        page.reload()  # the review is where the interview was left
        expect(page.locator("#h-review")).to_be_visible()
        finish.click()
        expect(page.locator("#h-done")).to_be_visible()
