"""The printable report in Chromium: pinned from a testimony, accessible, and saved as a PDF a donor can read."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from survey.extensions import db
from survey.models import Role, Testimonial
from tests.browser.field_kit import severe_violations
from tests.conftest import PASSWORD

STORY = "Shootings at night again on street {n}. The clinic has closed."
PINNED = STORY.format(n=4)
# PDF points: ISO A4 is 210 x 297 mm, US Letter 8.5 x 11 inches.
SIZES = {"a4": (595, 842), "letter": (612, 792)}


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/auth/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_selector("main")


def _pdf_text(pdf: bytes) -> tuple[str, list[tuple[int, int]]]:
    reader = PdfReader(io.BytesIO(pdf))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages), sizes


@pytest.fixture
def pinned_report(page, live_server, make_response, make_user):
    """Six testimonies, one pinned to Safety through the testimony's page; the browser is on the summary."""
    for n in range(6):
        make_response(change_story=STORY.format(n=n), site="tumaco")
    item = db.session.scalars(select(Testimonial).where(Testimonial.raw_text == PINNED)).one()
    _log_in(page, live_server, make_user(Role.EVALUATOR))
    page.goto(f"{live_server}/evaluate/community-safety/testimonials/{item.id}")
    page.select_option("#pin-theme", "safety")
    page.get_by_role("button", name="Pin to report").click()
    page.wait_for_selector("text=Pinned to Safety")
    page.goto(f"{live_server}/evaluate/community-safety")
    return page


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_report_saved_as_pdf_holds_the_pinned_quote(pinned_report, paper):
    page = pinned_report
    page.get_by_role("link", name="Printable report for donors").click()
    page.wait_for_selector("#r-quotes")
    if paper == "letter":
        page.select_option("#paper", "letter")
        page.locator("form.report-filters button[type=submit]").click()
        page.wait_for_url("**paper=letter**")
    assert page.locator("#r-quotes ~ .report-theme blockquote").all_inner_texts() == [PINNED]

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.report-filters").is_visible()
    assert page.locator("#r-method").is_visible()

    text, sizes = _pdf_text(page.pdf(prefer_css_page_size=True, print_background=True))
    assert PINNED in text
    assert "Method" in text and "In their own words" in text
    assert "Log out" not in text and "Apply" not in text  # menus and buttons are not printed
    assert set(sizes) == {SIZES[paper]}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_report_and_the_pin_form_have_no_serious_accessibility_violation(pinned_report, live_server, lang):
    page = pinned_report
    page.goto(f"{live_server}/evaluate/community-safety/report?lang={lang}")
    page.wait_for_selector("#r-quotes")
    assert severe_violations(page) == []
    page.select_option("#by", "site")  # every question broken down by site, as on the summary
    page.locator("form.report-filters button[type=submit]").click()
    page.wait_for_selector("table.crosstab")
    assert severe_violations(page) == []
    page.goto(f"{live_server}/evaluate/community-safety/testimonies?lang={lang}")
    page.locator("main a[href*='/testimonials/']").first.click()
    page.wait_for_selector("#report-pins")
    assert severe_violations(page) == []
