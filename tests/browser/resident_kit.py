"""What the browser tests of the resident form share: turning its pages, with or without JavaScript."""

from __future__ import annotations

from typing import Any


def next_page(page: Any, times: int = 1) -> None:
    """Press Next on the resident form, as many times as asked, waiting for each page to show."""
    for _ in range(times):
        shown = page.locator("[data-current-page]").input_value()
        page.locator("form.survey-form [data-page-next]").click()
        page.wait_for_function(  # without JavaScript, once the server's next page has come
            "shown => { const p = document.querySelector('[data-current-page]'); return p && p.value !== shown; }",
            arg=shown,
        )
