"""The summary and the report chart the questions asked in each instance of a repeat, with what they count."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.models import Role, Site
from tests.services.test_repeat_summaries import member, publish_roster, store_household, three_members

URL = "/evaluate/roster"


@pytest.fixture
def households(db):
    """Six households of three in Tumaco in March, five of one in Guaviare in May."""
    roster = publish_roster()
    for _ in range(6):
        store_household(roster, three_members())
    for _ in range(5):
        store_household(roster, [member("m", "70", "1")], site="guaviare", month=5)


def test_the_summary_charts_a_repeat_question_with_what_it_counted(households, make_user, login):
    page = login(make_user(Role.EVALUATOR)).get(URL).get_data(as_text=True)
    assert 'id="r-member_sex"' in page and 'id="r-member_age"' in page and 'id="r-child_school"' in page
    assert "Counted over 23 entries of “Household member” in 11 responses" in page
    assert "Sex: share of entries per answer" in page and "Age: entries per range of answers" in page
    assert "Feels safe: answers from Level 1 to Level 5" in page  # a five-point scale's own chart
    assert "Mean: 2.83 on a scale of 1 (Level 1) to 5 (Level 5)" in page  # (5 * 1 + 6 * 2 + 12 * 4) / 23
    assert 'id="q-member_sex"' not in page  # not among the questions asked once


def test_the_summary_speaks_spanish_about_entries(households, make_user, login):
    page = login(make_user(Role.EVALUATOR)).get(f"{URL}?lang=es").get_data(as_text=True)
    assert "Contado sobre 23 registros de «Integrante del hogar» en 11 respuestas" in page
    assert "Sexo: porcentaje de registros por opción" in page and '<th scope="col">Registros</th>' in page


def test_the_charts_follow_the_summary_filters(households, make_user, login, db):
    tumaco = db.session.scalars(select(Site.id).where(Site.slug == "tumaco")).one()
    client = login(make_user(Role.EVALUATOR))
    page = client.get(f"{URL}?site={tumaco}").get_data(as_text=True)
    assert "Counted over 18 entries of “Household member” in 6 responses" in page
    page = client.get(f"{URL}?month_from=2026-04").get_data(as_text=True)
    assert "Counted over 5 entries of “Household member” in 5 responses" in page


def test_the_report_charts_them_too(households, make_user, login):
    page = login(make_user(Role.EVALUATOR)).get(f"{URL}/report").get_data(as_text=True)
    assert 'id="r-member_sex"' in page and "Counted over 23 entries of “Household member” in 11 responses" in page
    page = login(make_user(Role.EVALUATOR)).get(f"{URL}/report?lang=es").get_data(as_text=True)
    assert "Contado sobre 23 registros de «Integrante del hogar» en 11 respuestas" in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEAD_EVALUATOR])
def test_the_other_roles_that_read_the_summary_see_them(households, make_user, login, role):
    page = login(make_user(role)).get(URL).get_data(as_text=True)
    assert "Counted over 23 entries of “Household member” in 11 responses" in page


def test_a_field_worker_reads_neither_page(households, make_user, login):
    client = login(make_user(Role.FIELD_WORKER))
    assert client.get(URL).status_code == 403 and client.get(f"{URL}/report").status_code == 403


def test_a_repeat_question_is_not_offered_to_break_the_others_down_by(households, make_user, login):
    client = login(make_user(Role.EVALUATOR))
    page = client.get(URL).get_data(as_text=True)
    assert 'value="question:tenure"' in page and 'value="question:member_sex"' not in page
    # Asked for by hand, it is refused as any choice not offered, and the summary shown without it.
    refused = client.get(f"{URL}?by=question:member_sex")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Not a valid choice" in text and 'class="crosstab"' not in text
    assert "Counted over 23 entries of “Household member” in 11 responses" in text
    refused = client.get(f"{URL}/report?by=question:member_sex")
    assert refused.status_code == 200 and 'class="crosstab"' not in refused.get_data(as_text=True)


def test_the_summary_breaks_a_repeat_question_down_by_site_when_asked(households, make_user, login):
    page = login(make_user(Role.EVALUATOR)).get(f"{URL}?by=site").get_data(as_text=True)
    assert "Sex, by site (row shares)" in page and "Feels safe, by site (row shares)" in page
    assert "Age, by site" not in page
    breakdown = page[page.index("Sex, by site (row shares)") :]
    assert "Tumaco" in breakdown and "San José del Guaviare" in breakdown
    page = login(make_user(Role.EVALUATOR)).get(f"{URL}?by=site&lang=es").get_data(as_text=True)
    assert "Sexo, por sitio (porcentajes por fila)" in page


@pytest.fixture
def helped_households(db):
    """Five households of three in Tumaco in March, each member saying which help the household received."""
    roster = publish_roster()
    for _ in range(5):
        answers = ("food health", "food", "school_fees")
        store_household(roster, [member(help=answer) for answer in answers])


def test_the_summary_and_the_report_chart_a_multiple_choice_question_over_the_entries(
    helped_households, make_user, login
):
    client = login(make_user(Role.EVALUATOR))
    for url in (URL, f"{URL}/report"):
        page = client.get(url).get_data(as_text=True)
        chart = page[page.index('id="r-member_help"') :]
        assert "Counted over 15 entries of “Household member” in 5 responses" in chart
        assert "Several choices allowed: each share is of the entries that answered" in chart
        assert "Help received: share of entries per answer" in chart
        # Food in 10 of 15 entries, health in 5, school fees in 5.
        assert '<th scope="row">Food</th><td class="num">10</td>\n        <td class="num">67 %</td>' in chart
    page = client.get(f"{URL}?lang=es").get_data(as_text=True)
    chart = page[page.index('id="r-member_help"') :]
    assert "Contado sobre 15 registros de «Integrante del hogar» en 5 respuestas" in chart
    assert "Se permiten varias opciones" in chart and "Ayuda recibida: porcentaje de registros por opción" in chart
    page = client.get(f"{URL}/report?lang=es").get_data(as_text=True)
    assert "Se permiten varias opciones" in page[page.index('id="r-member_help"') :]


def test_the_summary_breaks_a_multiple_choice_question_down_by_site(helped_households, make_user, login):
    page = login(make_user(Role.EVALUATOR)).get(f"{URL}?by=site").get_data(as_text=True)
    breakdown = page[page.index("Help received, by site (row shares)") :]
    assert "Tumaco" in breakdown and "67 %" in breakdown[: breakdown.index("</table>")]
