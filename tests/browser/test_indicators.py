"""An administrator imports indicators in the browser; the summary shows them beside the voices, with no
serious or critical axe-core violation, in English and Spanish."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey.models import Role
from tests.browser.field_kit import severe_violations
from tests.conftest import PASSWORD
from tests.web.test_indicators import CSV


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_import_then_read_the_other_evidence(axe_page, live_server, make_response, make_user, db, tmp_path, lang):
    for month in (1, 4):
        for _ in range(20):
            make_response(site="tumaco").submitted_at = datetime(2026, month, 15, tzinfo=UTC)
    db.session.commit()
    admin = make_user(Role.ADMIN)
    page = axe_page
    page.goto(f"{live_server}/auth/login?lang={lang}")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/admin/indicators")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV + "Homicidios;tumaco;2026-02;tres;casos\n", encoding="utf-8")
    page.set_input_files("#file", str(bad))
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#h-problems")
    assert severe_violations(page) == []
    good = tmp_path / "police.csv"
    good.write_text(CSV, encoding="utf-8")
    page.set_input_files("#file", str(good))
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("text=Homicidios")
    assert page.locator("tbody th", has_text="Homicidios").count() == 1
    assert severe_violations(page) == []
    page.locator("tbody form button").click()  # asks before it deletes
    page.wait_for_selector("input[name=confirm]", state="attached")
    assert severe_violations(page) == []
    page.goto(f"{live_server}/evaluate/community-safety")
    page.wait_for_selector("#h-evidence")
    assert page.locator("#h-evidence ~ .grid svg.trend").count() == 3  # homicides, sentiment, themes
    assert page.locator("#evidence-caption ~ tbody tr").count() == 4  # January to April
    assert severe_violations(page) == []
    page.screenshot(path=str(tmp_path / f"summary-{lang}.png"), full_page=True)
