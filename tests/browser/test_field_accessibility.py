"""axe-core finds no serious or critical violation in the field app, at home and mid-interview."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.field_kit import Server, interview, quick_answers, severe_violations, tablet_page


@pytest.fixture
def axe_tablet(browser: Any, server: Server) -> Iterator[Any]:
    """The field app on a tablet, with the page's CSP set aside so that axe can be injected."""
    with tablet_page(browser, server, bypass_csp=True) as page:
        yield page


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
