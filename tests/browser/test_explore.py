"""An evaluator clicks a theme on the summary, lands on its testimonies, searches them and exports what was found."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

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
        make_response(
            change_story=f"The clinic closed and the balaceras went on, ward {n}. Write to ana{n}@example.org.",
            what_would_help="",
        )
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

    page.go_back()
    with page.expect_download() as caught:
        page.get_by_role("link", name="workbook (XLSX)").click()
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert {"responses", "tags"} <= set(book.sheetnames)
    rows = list(book["responses"].iter_rows(values_only=True))
    header, found = rows[0], rows[1:]
    assert len(found) == 5  # the list's theme and search, not every response
    texts = [str(cell) for row in found for cell in row if isinstance(cell, str) and "balaceras" in cell]
    assert len(texts) == 5 and all("[email]" in t and "@example.org" not in t for t in texts)
    assert "consent_scope" in header or any("consent" in str(h).lower() for h in header)
