"""An evaluator clicks a theme on the summary, lands on its testimonies, and searches them."""

from __future__ import annotations

import pytest

from survey.models import Role
from tests.browser.field_kit import severe_violations
from tests.conftest import PASSWORD


@pytest.fixture
def page(browser):
    """A page where axe-core may be injected (the app's CSP would refuse it)."""
    context = browser.new_context(viewport={"width": 412, "height": 915}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_theme_click_and_a_search(page, live_server, make_response, make_user):
    for n in range(6):
        make_response(change_story=f"Shootings at night near the market, stall {n}.", what_would_help="")
    for n in range(5):
        make_response(change_story=f"The clinic closed and the balaceras went on, ward {n}.", what_would_help="")
    evaluator = make_user(Role.EVALUATOR)
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(evaluator.email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server}/evaluate/community-safety")
    page.locator("section[aria-labelledby=h-themes] th a", has_text="Services").click()
    page.wait_for_url("**/testimonies?theme=services*")
    assert page.locator("h1").inner_text() == "Testimonies"
    assert page.locator("li.quote").count() == 5
    assert page.locator("#theme").input_value() == "services"
    assert severe_violations(page) == []

    page.get_by_label("Search the words").fill("balaceras")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**q=balaceras*")
    marks = page.locator("li.quote mark.match")
    assert marks.count() == 5 and set(marks.all_inner_texts()) == {"balaceras"}

    page.locator("li.quote a", has_text="Read this testimony").first.click()
    assert page.locator("h1").inner_text() == "Testimony"
    assert page.get_by_role("link", name="Next testimony").count() == 1
    assert severe_violations(page) == []
