"""On a phone, in Spanish, the resident form a page at a time, with a draft that survives a reload."""

from __future__ import annotations

import os
import tempfile

from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Response
from tests.browser.field_kit import severe_violations

PHONE = {"width": 390, "height": 844}
SCREENSHOT = os.path.join(tempfile.gettempdir(), "voces-form-page-2-es.png")


def drafts_kept(page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('voces-draft:'))")


def test_a_resident_pages_through_reloads_and_sends_in_spanish(browser, live_server, example_survey, db):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/s/community-safety?lang=es")
    first, second = page.locator("section[data-page='1']"), page.locator("section[data-page='2']")
    expect(first.get_by_role("heading", name="Página 1 de 5")).to_be_visible()
    expect(second).to_be_hidden()
    expect(page.get_by_role("button", name="Atrás")).to_be_hidden()
    expect(page.get_by_role("button", name="Revisar mis respuestas")).to_be_hidden()
    assert severe_violations(page) == []

    page.get_by_role("button", name="Siguiente").click()  # the community is required
    expect(first.locator("[data-page-error]")).to_have_text("Elija la comunidad en la que vive.")
    expect(page.locator("[data-page-summary]")).to_be_focused()
    expect(second).to_be_hidden()
    assert severe_violations(page) == []

    page.select_option("#q_site", "tumaco")
    page.get_by_role("button", name="Siguiente").click()
    expect(second).to_be_visible()
    expect(first).to_be_hidden()
    expect(page.locator("#page-2-title")).to_be_focused()
    expect(page.locator("#page-2-title")).to_have_text("Página 2 de 5")
    assert page.locator("section[data-page='2'] progress").get_attribute("value") == "2"
    page.get_by_label("Seguro(a)", exact=True).check()
    page.screenshot(path=SCREENSHOT)
    assert severe_violations(page) == []

    page.get_by_role("button", name="Atrás").click()
    expect(page.locator("#page-1-title")).to_be_focused()
    assert page.locator("#q_site").input_value() == "tumaco"
    page.get_by_role("button", name="Siguiente").click()

    page.reload()  # the browser kept the draft: answers and page come back, with a notice
    notice = page.locator("[data-draft-notice]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Guardamos sus respuestas del")
    expect(notice.get_by_role("button", name="Empezar de nuevo")).to_be_visible()
    expect(second).to_be_visible()
    expect(page.get_by_label("Seguro(a)", exact=True)).to_be_checked()
    assert page.locator("#q_site").input_value() == "tumaco"
    assert severe_violations(page) == []

    for _ in range(2):  # help with addiction, then the community's page
        page.get_by_role("button", name="Siguiente").click()
    expect(page.locator("#page-4-title")).to_be_focused()
    page.locator("#q_change_story").fill("Ahora hay luz en el parque y los niños salen a jugar.")
    page.get_by_role("button", name="Siguiente").click()
    page.get_by_label("Pueden citar mis palabras", exact=True).check()
    expect(page.get_by_role("button", name="Siguiente")).to_be_hidden()
    page.get_by_role("button", name="Revisar mis respuestas").click()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.locator("#receipt")).to_be_visible()
    assert drafts_kept(page) == []  # stored: the draft is gone

    page.goto(f"{live_server}/s/community-safety?lang=es")
    expect(page.locator("[data-draft-notice]")).to_be_hidden()
    assert page.locator("#q_site").input_value() == ""
    context.close()
    stored = db.session.scalars(select(Response)).one()
    assert stored.language == "es" and stored.site.slug == "tumaco"


def test_starting_again_forgets_the_draft(browser, live_server, example_survey):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/s/community-safety?lang=es")
    page.select_option("#q_site", "tumaco")
    page.get_by_role("button", name="Siguiente").click()
    page.reload()
    page.get_by_role("button", name="Empezar de nuevo").click()
    expect(page.locator("#page-1-title")).to_have_text("Página 1 de 5")
    expect(page.locator("[data-draft-notice]")).to_be_hidden()
    assert page.locator("#q_site").input_value() == ""
    assert drafts_kept(page) == []
    context.close()


def test_a_page_whose_questions_do_not_apply_is_skipped(browser, live_server, example_survey, db):
    from survey.services.surveys import import_survey

    definition = dict(example_survey.definition, form_id="skipping", version="1")
    groups = [dict(group) for group in definition["questions"]]
    groups[1]["relevant"] = "${age_band} != '60+'"
    definition["questions"] = groups
    import_survey(definition, publish=True)
    db.session.commit()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/s/skipping?lang=es")
    page.select_option("#q_site", "tumaco")
    page.get_by_label("60 o más").check()
    page.get_by_role("button", name="Siguiente").click()
    expect(page.locator("#page-3-title")).to_be_focused()
    page.get_by_role("button", name="Atrás").click()
    expect(page.locator("#page-1-title")).to_be_focused()
    context.close()
