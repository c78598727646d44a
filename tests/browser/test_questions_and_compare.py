"""An evaluator reads every question broken down by site, then by the answers to another question, then
compares two periods; axe finds nothing severe."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey.models import Role
from tests.browser.field_kit import severe_violations
from tests.conftest import PASSWORD


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_questions_by_site_and_a_comparison(axe_page, live_server, make_response, make_user, db, lang):
    for month, value, times in [(1, "1", 14), (1, "4", 6), (3, "2", 8), (3, "5", 12)]:
        for _ in range(times):
            age = "18-24" if value in ("1", "2") else "60+"
            response = make_response(
                safe_at_night=value, age_band=age, change_story="The clinic opened again and I feel safe now."
            )
            response.submitted_at = datetime(2026, month, 15, 12, tzinfo=UTC)
    db.session.commit()
    user = make_user(Role.EVALUATOR)
    page = axe_page
    page.goto(f"{live_server}/auth/login?lang={lang}")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/evaluate/community-safety")
    page.select_option("#by", "site")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_selector("table.crosstab")
    assert page.locator("svg.diverging").count() >= 5
    assert severe_violations(page) == []
    page.select_option("#by", "question:age_band")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_selector("svg.crosstab-bars")
    assert page.locator("table.crosstab caption").count() >= 5
    assert severe_violations(page) == []
    page.locator("a[href$='/compare']").click()
    for name, month in [("a_from", "2026-01"), ("a_to", "2026-01"), ("b_from", "2026-03"), ("b_to", "2026-03")]:
        page.fill(f"#{name}", month)
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_selector("#h-cmp-scales")
    text = page.locator("main").inner_text()
    assert "30 % → 60 %" in text and "Newcombe" in text
    assert severe_violations(page) == []
