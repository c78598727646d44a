"""A resident answers in Spanish; an evaluator then finds the testimony on the summary."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import Response, Role
from tests.browser.resident_kit import next_page
from tests.conftest import PASSWORD

STORY = "Desde marzo ya no hay balaceras en mi calle y los niños juegan afuera de noche."


def test_spanish_submission_reaches_the_evaluator_summary(
    page, live_server, example_survey, make_response, make_user, db
):
    for _ in range(4):  # the summary withholds groups under five: with this one, five testimonies on safety
        make_response(language="es", site="tumaco", what_would_help="")
    evaluator = make_user(Role.EVALUATOR)

    page.goto(f"{live_server}/s/community-safety?lang=es")
    page.select_option("#q_site", "tumaco")
    page.get_by_label("25 a 39").check()
    next_page(page)
    page.get_by_label("Seguro(a)", exact=True).check()
    next_page(page, 2)
    page.locator("#q_change_story").fill(STORY)
    next_page(page)
    page.get_by_label("Pueden citar mis palabras", exact=True).check()
    page.get_by_role("button", name="Revisar mis respuestas").click()
    page.get_by_role("button", name="Enviar mis respuestas").click()

    receipt = page.locator("#receipt").inner_text()
    assert page.locator("h1").inner_text() == "Gracias"
    stored = db.session.scalars(select(Response).where(Response.receipt_code == receipt)).one()
    assert stored.language == "es"

    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Correo electrónico").fill(evaluator.email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.goto(f"{live_server}/evaluate/community-safety")

    quote = page.locator("li.quote", has_text="ya no hay balaceras")
    assert quote.count() == 1
    assert "Seguridad" in quote.locator(".tag").all_inner_texts()
    themes_table = page.locator("section[aria-labelledby=h-themes]").inner_text()
    assert "Seguridad" in themes_table


def test_resident_form_works_without_javascript(browser, live_server, example_survey, db):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/s/community-safety")
    page.get_by_role("button", name="Next").click()  # the server checks the page: a community is required
    assert "There is a problem" in page.locator(".error-summary").inner_text()
    page.select_option("#q_site", "guaviare")
    next_page(page)
    page.get_by_label("Very safe").check()
    next_page(page, 2)
    page.locator("#q_change_story").fill("The new health post opened in June.")
    next_page(page)
    page.get_by_label("For internal use only: do not quote me").check()
    page.get_by_role("button", name="Review my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#receipt")).to_be_visible()
    context.close()
    assert len(db.session.scalars(select(Response)).all()) == 1
