"""What the browser tests of the resident form share: turning its pages, with or without JavaScript."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def next_page(page: Any, times: int = 1) -> None:
    """Press Next on the resident form, as many times as asked, waiting for each page to show.

    Without JavaScript each Next loads the server's next page; the wait is Playwright's retrying
    assertion, which reads the new document once it has come instead of polling inside the old one.
    """
    for _ in range(times):
        current = page.locator("[data-current-page]")
        shown = current.input_value()
        page.locator("form.survey-form [data-page-next]").click()
        expect(current).not_to_have_value(re.compile(rf"^{re.escape(shown)}$"), timeout=30_000)
