"""axe-core finds no serious or critical violation in the field app, at home and mid-interview."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import test_field_fixtures as kit
from tests.browser.test_field_fixtures import TABLET, WAIT_MS, interview, log_in, open_field_app, quick_answers

field_app, server = kit.field_app, kit.server  # shared fixtures, found here by name
SEVERE = {"serious", "critical"}


def severe_violations(page: Any) -> list[str]:
    """Rule ids and targets of the serious and critical violations on the page."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SEVERE
    ]


@pytest.fixture
def axe_tablet(browser: Any, server: kit.Server) -> Iterator[Any]:
    """The field app on a tablet, with the page's CSP set aside so that axe can be injected."""
    context = browser.new_context(viewport=TABLET, bypass_csp=True)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    log_in(page, server.url)
    open_field_app(page, server.url)
    yield page
    context.close()


def test_home_setup_errors_a_question_and_the_queue(axe_tablet):
    page = axe_tablet
    assert severe_violations(page) == []
    page.context.set_offline(True)
    page.locator("[data-survey=community-safety]").click()
    page.get_by_role("button", name="Next").click()
    assert severe_violations(page) == []
    page.get_by_role("button", name="Save and leave").click()
    interview(page, quick_answers("The health post has a nurse again."))
    assert severe_violations(page) == []
    page.get_by_role("button", name="Back to the list").click()
    assert severe_violations(page) == []
