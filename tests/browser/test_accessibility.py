"""axe-core finds no serious or critical violation on the pages people use most."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from survey.models import Role
from tests.browser.field_kit import severe_violations
from tests.browser.resident_kit import next_page
from tests.conftest import PASSWORD


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(viewport={"width": 412, "height": 915}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_resident_form_its_errors_and_thanks(axe_page, live_server, example_survey, lang):
    page = axe_page
    page.goto(f"{live_server}/s/community-safety?lang={lang}")
    assert severe_violations(page) == []
    page.locator("form.survey-form button[data-page-next]").click()
    page.wait_for_selector(".error-summary")
    assert severe_violations(page) == []
    page.select_option("#q_site", "tumaco")
    next_page(page)
    page.locator("input[name=q_safe_at_night]").first.check()
    next_page(page, 2)
    page.locator("#q_change_story").fill("Hay menos balaceras." if lang == "es" else "Fewer shootings.")
    next_page(page)
    page.locator("input[name=q_consent]").first.check()
    page.locator("form.survey-form button[data-page-finish]").click()
    page.wait_for_selector(".review-list")
    assert severe_violations(page) == []
    page.locator("form.review-form button[value=send]").click()
    page.wait_for_selector("#receipt")
    assert severe_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_login_and_summary(axe_page, live_server, make_response, make_user, lang):
    for _ in range(6):
        make_response(change_story="The clinic closed and there are more shootings at night.")
    user = make_user(Role.EVALUATOR)
    page = axe_page
    page.goto(f"{live_server}/auth/login?lang={lang}")
    assert severe_violations(page) == []
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/evaluate/community-safety")
    page.wait_for_selector("#h-themes")
    assert severe_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_withdrawal_page_and_its_errors(axe_page, live_server, lang):
    page = axe_page
    page.goto(f"{live_server}/withdraw?lang={lang}")
    assert severe_violations(page) == []
    page.fill("#code", "ABCD-23O5")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert severe_violations(page) == []


def test_location_time_and_file_questions_and_their_errors(axe_page, live_server, db):
    from survey.services.surveys import import_survey
    from tests.web.test_media import DEFINITION as VOICES
    from tests.web.test_places_and_times import DEFINITION as PLACES

    import_survey(PLACES, publish=True)
    import_survey(VOICES, publish=True)
    db.session.commit()
    page = axe_page
    page.goto(f"{live_server}/s/places")
    assert severe_violations(page) == []
    page.locator("#q_spot").fill("95")
    page.locator("form.survey-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert severe_violations(page) == []
    page.goto(f"{live_server}/s/voices")
    assert severe_violations(page) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_summary_themes_show_every_column_on_a_laptop_screen(browser, live_server, make_response, make_user, lang):
    """Spanish headers are longer: in half the page the sentiment column was hidden behind a scroll."""
    for _ in range(6):
        make_response(change_story="The clinic closed, the police left and there are more shootings at night.")
    user = make_user(Role.EVALUATOR)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/auth/login?lang={lang}")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/evaluate/community-safety")
    card = page.locator("section[aria-labelledby=h-themes]")
    widths = card.evaluate("card => [card.scrollWidth, card.clientWidth]")
    context.close()
    assert widths[0] <= widths[1]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_on_a_phone_wide_tables_and_charts_scroll_but_never_the_page(
    browser, live_server, make_response, make_user, lang
):
    """WCAG's reflow width, 320 CSS px: the page never scrolls sideways; a table too wide for it scrolls
    on its own, keeping its columns, as a named region the keyboard reaches, and a chart shrinks."""
    for _ in range(6):
        make_response(change_story="The clinic closed and there are more shootings at night.")
    overflow = "() => document.documentElement.scrollWidth - innerWidth"
    seen: dict[str, int] = {}
    violations: dict[str, list[str]] = {}
    for role, paths in (
        (Role.ADMIN, ("/admin/", "/admin/users", "/admin/audit", "/admin/indicators", "/admin/sites")),
        (Role.EVALUATOR, ("/evaluate/community-safety", "/evaluate/community-safety/report")),
    ):
        context = browser.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{live_server}/auth/login?lang={lang}")
        page.fill("#email", make_user(role).email)
        page.fill("#password", PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        for path in paths:
            page.goto(f"{live_server}{path}")
            seen[path] = page.evaluate(overflow)
            violations[path] = severe_violations(page)
            if path == "/admin/audit":
                audit = page.locator(".table-scroll").first
                expect(audit).to_have_attribute("tabindex", "0")
                expect(audit).to_have_accessible_name("Audit log" if lang == "en" else "Registro de auditoría")
                assert audit.evaluate("box => box.scrollWidth > box.clientWidth")
                page.set_viewport_size({"width": 1600, "height": 800})  # the table fits: no tab stop
                expect(audit).not_to_have_attribute("tabindex", "0")
                page.set_viewport_size({"width": 320, "height": 800})
        context.close()
    assert seen == dict.fromkeys(seen, 0)
    assert violations == dict.fromkeys(violations, [])
