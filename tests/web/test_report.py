"""The printable report for donors, and pinning testimonies to its themes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from survey.analysis.pipeline import ANALYSER_VERSION
from survey.models import AuditEvent, ReportPin, Role, Testimonial
from survey.services import report as report_service
from survey.services.erasure import erase_response
from survey.services.report import pin_quote
from tests.conftest import count

URL = "/evaluate/community-safety"
STORY = "Shootings at night again on street {n}. The clinic has closed."


@pytest.fixture
def evaluator(make_user, login):
    return login(make_user(Role.EVALUATOR))


def _story(db, text: str) -> Testimonial:
    return db.session.scalars(select(Testimonial).where(Testimonial.raw_text == text)).one()


def _pin(client, item: Testimonial, theme: str = "safety"):
    return client.post(f"{URL}/testimonials/{item.id}/pins", data={"pin-theme": theme})


def _stories(make_response, n: int = 6, **answers):
    for i in range(n):
        make_response(change_story=STORY.format(n=i), **answers)


def test_pinning_and_unpinning_a_quote_are_audited(evaluator, make_response, db):
    _stories(make_response, 1)
    item = _story(db, STORY.format(n=0))
    page = evaluator.get(f"{URL}/testimonials/{item.id}").get_data(as_text=True)
    assert "Pin to report" in page and '<option value="safety">Safety</option>' in page

    assert _pin(evaluator, item).status_code == 302
    pin = db.session.scalars(select(ReportPin)).one()
    assert (pin.testimonial_id, pin.theme, pin.pinned_by.role) == (item.id, "safety", Role.EVALUATOR)
    page = evaluator.get(f"{URL}/testimonials/{item.id}").get_data(as_text=True)
    assert "Pinned to Safety" in page and "Unpin from Safety" in page
    assert '<option value="safety">' not in page  # not offered twice

    evaluator.post(f"{URL}/testimonials/{item.id}/pins/delete", data={"theme": "safety"})
    assert count(ReportPin) == 0
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["pin_quote", "unpin_quote"]


def test_a_quote_is_pinned_once_per_theme(evaluator, make_response, db):
    _stories(make_response, 1)
    item = _story(db, STORY.format(n=0))
    _pin(evaluator, item)
    _pin(evaluator, item)
    _pin(evaluator, item, "services")
    assert sorted(db.session.scalars(select(ReportPin.theme))) == ["safety", "services"]


def test_only_a_theme_that_counts_on_the_testimony_can_be_pinned(evaluator, make_response, db):
    _stories(make_response, 1)
    item = _story(db, STORY.format(n=0))
    response = _pin(evaluator, item, "recovery")
    assert count(ReportPin) == 0
    page = evaluator.get(response.headers["Location"]).get_data(as_text=True)
    assert "This testimony cannot be pinned to that theme." in page


def test_an_internal_testimony_cannot_be_pinned(evaluator, make_response, db):
    make_response(change_story="Shootings at night, but keep this among yourselves.", consent="internal")
    item = _story(db, "Shootings at night, but keep this among yourselves.")
    page = evaluator.get(f"{URL}/testimonials/{item.id}").get_data(as_text=True)
    assert "it cannot be quoted in the report" in page and "Pin to report" not in page
    _pin(evaluator, item)
    assert count(ReportPin) == 0


def test_the_report_gives_its_method_figures_and_pinned_quotes(evaluator, make_response, db):
    _stories(make_response)
    _pin(evaluator, _story(db, STORY.format(n=3)))
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert "version 2026.12.1" in page
    assert "6 responses, with 12 testimonies" in page
    assert f"analyser {ANALYSER_VERSION}" in page
    assert "Every text was given a sentiment score." in page
    assert "How safe do you feel walking alone in your area at night?" in page  # the question charts
    quotes = page[page.index('id="r-quotes"') :]
    assert '<h3 id="r-theme-1">Safety</h3>' in quotes
    assert STORY.format(n=3) in quotes and STORY.format(n=2) not in quotes
    assert "a resident of Tumaco (Nariño, CO)" in quotes


def test_the_report_says_how_many_texts_were_not_scored(evaluator, make_response, db):
    _stories(make_response)
    for n in range(6):
        story = f"A clínica fechou e agora as crianças não têm onde estudar, rua {n}."
        make_response(language="pt", change_story=story, what_would_help="")
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert "6 texts were not given a sentiment score" in page
    assert "no sentiment method validated on labelled Portuguese text yet" in page


def test_an_anonymous_quote_names_no_site(evaluator, make_response, db):
    _stories(make_response, consent="quote_anonymous")
    _pin(evaluator, _story(db, STORY.format(n=1)))
    quotes = evaluator.get(f"{URL}/report").get_data(as_text=True).split('id="r-quotes"')[1]
    assert STORY.format(n=1) in quotes and "<figcaption>— a resident</figcaption>" in quotes and "Tumaco" not in quotes


def test_a_pinned_quote_without_consent_to_publish_is_withheld(evaluator, make_response, db):
    _stories(make_response)
    make_response(change_story="Shootings at night, but keep this among yourselves.", consent="internal")
    secret = _story(db, "Shootings at night, but keep this among yourselves.")
    _pin(evaluator, _story(db, STORY.format(n=0)))
    # As if the consent had been narrowed after the pin: the report checks it again.
    survey_id = secret.response.survey_version.survey_id
    db.session.add(ReportPin(survey_id=survey_id, testimonial_id=secret.id, theme="safety"))
    db.session.commit()
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert "keep this among yourselves" not in page
    assert STORY.format(n=0) in page
    assert "1 pinned quote is withheld: the resident did not allow it to be published." in page


def test_the_report_shows_only_redacted_text(evaluator, make_response, db):
    _stories(make_response)
    make_response(change_story="Shootings at night again. Call me on 310 555 1234 or maria.lopez@gmail.com.")
    item = db.session.scalars(select(Testimonial).where(Testimonial.raw_text.contains("310 555"))).one()
    _pin(evaluator, item)
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert "Shootings at night again. Call me on" in page
    assert "310 555 1234" not in page and "maria.lopez" not in page


def test_a_small_group_shows_no_figure_and_no_quote(evaluator, make_response, db):
    _stories(make_response, 4)
    _pin(evaluator, _story(db, STORY.format(n=0)))
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert "Small groups are not shown on their own" in page
    assert STORY.format(n=0) not in page and "<strong>4</strong>" not in page and "4 responses" not in page


def test_a_quote_from_a_site_too_small_to_show_is_left_out(evaluator, make_response, db):
    _stories(make_response, site="tumaco")
    make_response(change_story="Shootings at night in Chilapa too.", site="chilapa")
    _pin(evaluator, _story(db, "Shootings at night in Chilapa too."))
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert "Shootings at night in Chilapa too." not in page
    assert "1 pinned quote is not shown: it comes from a group too small to show" in page


def test_the_report_follows_the_site_filter(evaluator, make_response, db):
    _stories(make_response, site="tumaco")
    for n in range(5):
        make_response(change_story=f"Guaviare has shootings at night, road {n}.", site="guaviare")
    _pin(evaluator, _story(db, STORY.format(n=0)))
    _pin(evaluator, _story(db, "Guaviare has shootings at night, road 0."))
    guaviare = _story(db, "Guaviare has shootings at night, road 0.").response.site_id
    page = evaluator.get(f"{URL}/report?site={guaviare}").get_data(as_text=True)
    assert "Guaviare has shootings at night, road 0." in page and STORY.format(n=0) not in page
    assert "Site: San José del Guaviare" in page


def test_the_report_in_spanish(evaluator, make_response, db):
    for n in range(5):
        make_response(change_story=f"Hay balaceras de noche en la calle {n}.", language="es", site="tumaco")
    _pin(evaluator, _story(db, "Hay balaceras de noche en la calle 2."))
    page = evaluator.get(f"{URL}/report?lang=es").get_data(as_text=True)
    assert "Método" in page and "En sus propias palabras" in page and "Versiones de la encuesta" in page
    assert '<h3 id="r-theme-1">Seguridad</h3>' in page
    assert '<blockquote lang="es">Hay balaceras de noche en la calle 2.</blockquote>' in page
    assert "un residente de Tumaco" in page


def test_the_paper_is_a4_unless_letter_is_chosen(evaluator, make_response, app):
    _stories(make_response)
    assert "paper-letter.css" not in evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert "paper-letter.css" in evaluator.get(f"{URL}/report?paper=letter").get_data(as_text=True)
    css = Path(app.static_folder) / "css"
    assert "@page { size: A4;" in (css / "report.css").read_text()
    assert "@page { size: letter;" in (css / "paper-letter.css").read_text()


def test_the_summary_links_to_its_report_with_its_filters(evaluator, make_response):
    _stories(make_response)
    page = evaluator.get(f"{URL}?month_from=2026-01").get_data(as_text=True)
    assert f'href="{URL}/report?month_from=2026-01">Printable report for donors' in page


def test_a_field_worker_can_neither_read_the_report_nor_pin(make_user, login, make_response, db):
    _stories(make_response, 1)
    item = _story(db, STORY.format(n=0))
    client = login(make_user(Role.FIELD_WORKER))
    assert client.get(f"{URL}/report").status_code == 403
    assert _pin(client, item).status_code == 403
    assert count(ReportPin) == 0


def test_an_erased_response_takes_its_pins_with_it(evaluator, make_response, db):
    _stories(make_response, 1)
    item = _story(db, STORY.format(n=0))
    _pin(evaluator, item)
    erase_response(item.response)
    db.session.commit()
    assert count(ReportPin) == 0
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pin_quote")).one()
    assert event.detail == {}  # the theme said what the testimony was about


def test_a_quote_leaves_a_theme_a_person_took_off_its_testimony(evaluator, make_response, db):
    _stories(make_response)
    item = _story(db, STORY.format(n=0))
    _pin(evaluator, item)
    _pin(evaluator, item, "services")
    evaluator.post(f"{URL}/testimonials/{item.id}/themes", data={"themes": ["services"]})
    quotes = evaluator.get(f"{URL}/report").get_data(as_text=True).split('id="r-quotes"')[1]
    assert ">Services</h3>" in quotes and ">Safety</h3>" not in quotes
    page = evaluator.get(f"{URL}/testimonials/{item.id}").get_data(as_text=True)
    assert "Unpin from Safety" in page  # still listed there, to be taken off


def test_a_pin_made_meanwhile_by_another_request_is_the_one_kept(make_user, make_response, db, monkeypatch):
    _stories(make_response, 1)
    item = _story(db, STORY.format(n=0))
    other = pin_quote(item, "safety", make_user(Role.EVALUATOR))
    db.session.commit()
    looked_up = report_service._pin_of
    calls = []

    def not_yet_then_found(testimonial, theme):  # the other request commits between look-up and insert
        calls.append(theme)
        return None if len(calls) == 1 else looked_up(testimonial, theme)

    monkeypatch.setattr(report_service, "_pin_of", not_yet_then_found)
    assert pin_quote(item, "safety", make_user(Role.EVALUATOR)).id == other.id
    db.session.commit()
    assert count(ReportPin) == 1


def test_the_report_breaks_every_question_down_by_site_when_asked(evaluator, make_response):
    for site in ["tumaco"] * 5 + ["guaviare"] * 5:
        make_response(site=site, safe_at_night="4", change_story=STORY.format(n=site))
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert 'name="by"' in page and '<option value="site">Site</option>' in page  # the control, as on the summary
    assert "by site (row shares)" not in page
    page = evaluator.get(f"{URL}/report?by=site").get_data(as_text=True)
    assert page.count("by site (row shares)") >= 6
    assert "Tumaco (Nariño, CO)</th>" in page and "José del Guaviare (Guaviare, CO)</th>" in page


def test_the_report_and_the_summary_draw_one_theme_table_only_the_summary_linking(evaluator, make_response):
    _stories(make_response, 6)
    summary = evaluator.get(URL).get_data(as_text=True)
    report = evaluator.get(f"{URL}/report").get_data(as_text=True)
    caption = "Share of testimonies that mention each theme, and the mean sentiment of the sentences about it"
    for page in (summary, report):
        assert caption in page and '<th scope="col">Sentiment</th>' in page
    assert "testimonies?theme=safety" in summary
    assert "testimonies?theme=safety" not in report
    assert '<table class="keep-together">' in report  # the report keeps it on one printed page


def test_the_report_reads_its_filters_as_the_summary_does_region_included(evaluator, make_response):
    for site in ["tumaco"] * 5 + ["guaviare"] * 6:
        make_response(site=site, change_story=STORY.format(n=site))
    summary = evaluator.get(URL + "?region=CO:Nari%C3%B1o").get_data(as_text=True)
    assert "report?region=CO:Nari%C3%B1o" in summary  # the summary's link keeps the region
    report = evaluator.get(f"{URL}/report?region=CO:Nari%C3%B1o").get_data(as_text=True)
    assert "5 responses, with 10 testimonies" in report  # two texts each
    assert '<option selected value="CO:Nariño">Nariño (CO)</option>' in report
    assert "Region: Nariño (CO)" in report  # printed under the title, where the menus are left out
    assert "11 responses" in evaluator.get(f"{URL}/report").get_data(as_text=True)


def test_the_report_cross_tabs_by_another_question_as_the_summary_does(evaluator, make_response):
    for age, safe in [("18-24", "1")] * 5 + [("18-24", "5")] * 5 + [("60+", "1")] * 6:
        make_response(age_band=age, safe_at_night=safe, change_story=STORY.format(n=age))
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert '<option value="question:age_band">' in page  # offered beside "Site", as on the summary
    page = evaluator.get(f"{URL}/report?by=question:age_band").get_data(as_text=True)
    assert "“How safe do you feel walking alone in your area at night?” by “How old are you?” (row shares)" in page
    assert '<th scope="row">18 to 24</th>' in page and "50 % <span" in page
    assert 'class="error-summary"' not in page


def test_the_report_names_its_region_in_spanish(evaluator, make_response):
    for _ in range(5):
        make_response(site="tumaco", change_story=STORY.format(n="tumaco"))
    report = evaluator.get(f"{URL}/report?region=CO:Nari%C3%B1o&lang=es").get_data(as_text=True)
    assert "Región: Nariño (CO)" in report


def test_the_method_s_dates_include_a_month_merged_into_the_next(evaluator, make_response, db):
    """Two responses of a month, too few to chart alone, are counted with the next month's: the
    report still says they were received from their own month."""
    from datetime import timedelta

    from survey.models import Response
    from survey.services.rollups import rebuild_rollups

    _stories(make_response)
    for response in db.session.scalars(select(Response).order_by(Response.id).limit(2)):
        response.submitted_at = response.submitted_at - timedelta(days=40)
    db.session.flush()
    rebuild_rollups()
    db.session.commit()
    months = sorted({r.submitted_at.strftime("%Y-%m") for r in db.session.scalars(select(Response))})
    assert len(months) == 2
    page = evaluator.get(f"{URL}/report").get_data(as_text=True)
    assert f"Responses received from {months[0]} to {months[1]}" in page
    assert "6 responses" in page
