"""Live skip logic in headless Chromium: questions and choices follow the answers as they are given."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Testimonial
from tests.browser.resident_kit import next_page

FOLLOW_UP = "[data-question=support_experience]"


def test_the_example_asks_about_support_only_after_yes(page, live_server, example_survey, db):
    page.goto(f"{live_server}/s/community-safety?page=3")  # help with addiction
    follow_up = page.locator(FOLLOW_UP)
    assert follow_up.is_hidden()
    page.locator("#q_support_used-0").check()  # Yes
    assert follow_up.is_visible()
    page.locator("#q_support_used-1").check()  # No
    assert follow_up.is_hidden()
    page.locator("#q_support_used-0").check()

    story = page.locator("#q_support_experience")
    story.fill("a" * 2001)
    story.blur()
    warning = follow_up.locator("[data-live-error]")
    assert warning.inner_text() == "Please keep your answer under 2,000 characters."
    story.fill("The waiting list was three months, but the counsellor was kind.")
    assert warning.is_hidden()  # gone as soon as the answer is put right

    next_page(page)
    page.locator("#q_change_story").fill("Fewer fights near the school since the youth centre opened.")
    next_page(page)
    page.get_by_label("You may quote my words", exact=True).check()
    page.get_by_role("button", name="Review my answers").click()
    page.locator(".error-summary a").first.click()  # the first pages were skipped: the summary leads back
    page.select_option("#q_site", "tumaco")
    next_page(page)
    page.get_by_label("Safe", exact=True).check()
    next_page(page, 3)
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#receipt")).to_be_visible()
    stored = db.session.scalars(select(Testimonial).where(Testimonial.question == "support_experience")).one()
    assert stored.raw_text.startswith("The waiting list was three months")


def test_the_live_constraint_message_follows_the_language(page, live_server, example_survey):
    page.goto(f"{live_server}/s/community-safety?lang=es&page=3")
    page.locator("#q_support_used-0").check()
    page.locator("#q_support_experience").fill("a" * 2001)
    page.locator("#q_support_experience").blur()
    assert page.locator(f"{FOLLOW_UP} [data-live-error]").inner_text() == "Por favor escriba menos de 2.000 caracteres."


def test_without_javascript_every_question_shows(browser, live_server, example_survey):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/s/community-safety?lang=es&page=3")
    assert page.locator(FOLLOW_UP).is_visible()
    note = page.locator(f"{FOLLOW_UP} [data-relevance-note]")
    assert note.is_visible() and note.inner_text().startswith("Responda solo si respondió “Sí” a “¿Usted o alguien")
    context.close()


def test_with_javascript_the_note_on_when_a_question_applies_is_not_needed(page, live_server, example_survey):
    page.goto(f"{live_server}/s/community-safety?page=3")
    page.locator("#q_support_used-0").check()  # Yes: the follow-up shows, and only when it applies
    assert page.locator(FOLLOW_UP).is_visible() and page.locator(f"{FOLLOW_UP} [data-relevance-note]").is_hidden()


def test_cascading_choices_follow_the_department(page, live_server, kobo_survey):
    page.goto(f"{live_server}/s/support-services")
    municipalities = page.locator("[data-question=municipality] .choice")
    assert municipalities.count() == 4
    assert all(not m.is_visible() for m in municipalities.all())  # nothing to offer until a department is chosen
    page.get_by_label("Nariño").check()
    assert page.locator("[data-question=municipality] .choice:visible").all_inner_texts() == [
        "Pasto",
        "Tumaco",
    ]
    page.get_by_label("Pasto").check()
    page.get_by_label("Antioquia").check()
    assert page.locator("[data-question=municipality] .choice:visible").all_inner_texts() == [
        "Medellín",
        "Envigado",
    ]
    assert not page.locator("#q_municipality-2").is_checked()  # Pasto is no longer offered, so no longer chosen


def test_questions_inside_a_follow_up_appear_together(page, live_server, kobo_survey):
    page.goto(f"{live_server}/s/support-services?page=2")
    follow_ups = ["support_story", "last_visit", "services_used"]
    assert all(page.locator(f"[data-question={name}]").is_hidden() for name in follow_ups)
    page.get_by_label("Yes", exact=True).check()
    assert all(page.locator(f"[data-question={name}]").is_visible() for name in follow_ups)
    page.locator("#q_last_visit").fill("2999-01-01")
    page.locator("#q_last_visit").blur()
    assert (
        page.locator("[data-question=last_visit] [data-live-error]").inner_text() == "The date cannot be in the future."
    )


def test_touch_targets_are_at_least_44_pixels_high(page, live_server, kobo_survey):
    targets = page.locator(  # on the page shown: the others' are hidden, as are the buttons of other steps
        ", ".join(
            f"{selector}:visible"
            for selector in (".choice label", ".field-check label", "select", "textarea", "input[type=text]")
            + ("input[type=date]", "input[type=number]", "button[type=submit]")
        )
    )
    heights = {}
    for number in (1, 2):
        page.goto(f"{live_server}/s/support-services?page={number}")
        if number == 2:
            page.get_by_label("Yes", exact=True).check()
        heights.update(
            {
                t.evaluate("e => e.id || e.htmlFor || e.textContent.trim()"): t.bounding_box()["height"]
                for t in targets.all()
            }
        )
    assert len(heights) > 15
    assert {k: h for k, h in heights.items() if h < 44} == {}


def test_a_label_shows_the_answer_it_names_as_it_is_typed(page, live_server, db):
    from survey.services.surveys import import_survey
    from tests.web.test_outputs import SHOWN

    import_survey(SHOWN, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/outputs")
    page.locator("#q_first_name").fill("Ana")
    assert page.locator("label[for=q_street]").inner_text() == "Which street do you live on, Ana?"
    assert page.locator(".note-text").inner_text() == "Thank you, Ana <b>!</b>"


def test_a_month_or_a_year_reads_as_its_first_day_as_it_is_given(page, live_server, db):
    from survey.services.surveys import import_survey
    from tests.questionnaire.test_question_types import MONTHS

    import_survey(MONTHS, publish=True)
    db.session.commit()
    page.goto(f"{live_server}/s/moves")
    why = page.locator("[data-question=why]")
    assert page.locator("#q_moved").get_attribute("type") == "month"
    page.locator("#q_moved").fill("2026-03")
    expect(why).to_be_visible()  # the month reads as 2026-03-01, as the server keeps it
    page.locator("#q_moved").fill("2026-04")
    expect(why).to_be_hidden()
    page.locator("#q_born").fill("1990")
    assert page.locator("#q_born").get_attribute("type") == "number"
