"""Every select question on the summary page: charts with tables, and a breakdown by site."""

from __future__ import annotations

import re

from survey.models import Role
from tests.conftest import GOOD_ANSWERS

URL = "/evaluate/community-safety"


def test_every_select_question_is_charted_with_its_table(client, make_user, login, make_response):
    for value in ["1"] * 5 + ["5"] * 5:
        make_response(safe_at_night=value, site="tumaco")
    page = login(make_user(Role.EVALUATOR)).get(URL).get_data(as_text=True)
    assert "How old are you?" in page  # a select-one that is not a scale
    assert 'class="share-bars"' in page and 'class="diverging"' in page
    assert "Mean: 3.00 on a scale of 1 (Very unsafe) to 5" in page
    assert '<td class="num">50 %</td>' in page
    assert "by site (row shares)" not in page


def test_the_breakdown_by_site_is_chosen_with_the_get_form(client, make_user, login, make_response):
    for site in ["tumaco"] * 5 + ["guaviare"] * 5:
        make_response(site=site, safe_at_night="4")
    page = login(make_user(Role.EVALUATOR)).get(URL + "?by=site").get_data(as_text=True)
    assert page.count("by site (row shares)") >= 6
    assert "Tumaco (Nariño, CO)</th>" in page


def test_choice_labels_are_escaped(client, make_user, login, make_response, example_survey, db):
    data = dict(example_survey.definition)
    labels = data["choices"]["age_band"]
    data["choices"] = dict(data["choices"], age_band=[{**labels[0], "label": {"en": "<b>young</b>"}}, *labels[1:]])
    example_survey.definition = data
    db.session.commit()
    for _ in range(5):
        make_response()
    page = login(make_user(Role.EVALUATOR)).get(URL).get_data(as_text=True)
    assert "&lt;b&gt;young&lt;/b&gt;" in page and "<b>young</b>" not in page


def test_spanish_page_names_the_charts_in_spanish(client, make_user, login, make_response):
    for _ in range(5):
        make_response()
    page = login(make_user(Role.EVALUATOR)).get(URL + "?lang=es").get_data(as_text=True)
    assert "Todas las preguntas" in page and "Desglosar por" in page


def test_a_numeric_question_is_drawn_as_a_histogram_with_its_median(client, make_user, login, example_survey, db):
    data = dict(example_survey.definition)
    question = {"name": "household", "type": "integer", "label": {"en": "How many live in your home?"}}
    data["questions"] = [*data["questions"], question]
    example_survey.definition = data
    db.session.commit()
    for value in ["2"] * 5 + ["6"] * 5:
        _record(example_survey, {**GOOD_ANSWERS, "household": value})
    page = login(make_user(Role.EVALUATOR)).get(URL).get_data(as_text=True)
    assert "How many live in your home?" in page and 'class="histogram"' in page
    # Bins [2, 3) and [6, 7) hold 5 each; spread evenly, the 5th answer of 10 ends the first bin.
    assert "Median 3 (quartiles 2.5 and 6.5)" in page
    cell = r'<td class="num">([^<]+)</td>'
    rows = re.findall(f"<tr>{cell}{cell}{cell}</tr>", page)
    assert ("2", "3", "5") in rows and ("6", "7", "5") in rows  # the same bins as a table, for screen readers
    assert '<th scope="col">Responses</th>' in page


def _record(version, answers):
    import uuid

    from survey.extensions import db
    from survey.questionnaire import parse_definition
    from survey.services.submissions import Submission, record_submission

    definition = parse_definition(version.definition)
    record_submission(
        Submission(uuid=str(uuid.uuid4()), version=version, definition=definition, answers=answers, language="en")
    )
    db.session.commit()


def test_a_cross_tab_by_another_question_is_chosen_with_the_get_form(client, make_user, login, make_response):
    for age, safe in [("18-24", "1")] * 5 + [("18-24", "5")] * 5 + [("60+", "1")] * 6:
        make_response(age_band=age, safe_at_night=safe)
    browser = login(make_user(Role.EVALUATOR))
    page = browser.get(URL).get_data(as_text=True)
    assert '<option value="question:age_band">' in page  # offered beside "Site"
    page = browser.get(URL + "?by=question:age_band").get_data(as_text=True)
    assert "“How safe do you feel walking alone in your area at night?” by “How old are you?” (row shares)" in page
    assert 'class="crosstab-bars"' in page and 'role="img"' in page
    assert '<th scope="row">18 to 24</th>' in page and "50 % <span" in page
    assert "answer=age_band%3D60%2B" in page  # a row's count opens its testimonies
    assert "“How old are you?” by “How old are you?”" not in page  # not broken down by itself


def test_a_cross_tab_by_something_else_is_refused_without_an_error_page(client, make_user, login, make_response):
    for _ in range(5):
        make_response()
    browser = login(make_user(Role.EVALUATOR))
    for by in ("question:change_story", "question:nothing", "question:consent"):
        response = browser.get(URL + "?by=" + by)
        assert response.status_code == 200
        assert "(row shares)" not in response.get_data(as_text=True)


def test_a_region_narrows_the_summary_and_its_links_keep_it(client, make_user, login, make_response):
    for site, safe in [("tumaco", "1")] * 5 + [("guaviare", "5")] * 6:
        make_response(site=site, safe_at_night=safe)
    browser = login(make_user(Role.EVALUATOR))
    page = browser.get(URL + "?region=CO:Nari%C3%B1o").get_data(as_text=True)
    assert "<strong>5</strong> responses" in page
    assert '<option selected value="CO:Nariño">Nariño (CO)</option>' in page
    assert "Guaviare (Guaviare, CO)</th>" not in page  # not in the table of sites
    assert "testimonies?region=CO:Nari%C3%B1o" in page  # the counts open the list of the same region
    assert "compare?region=CO:Nari%C3%B1o" in page
    safe = page[page.index('id="q-safe_at_night"') :]
    assert "answer=safe_at_night%3D1&amp;region=CO:Nari%C3%B1o" in safe[:4000]
    everywhere = browser.get(URL).get_data(as_text=True)
    assert "<strong>11</strong> responses" in everywhere


def test_each_count_of_a_cross_tab_opens_the_testimonies_of_its_row_and_column(client, make_user, login, make_response):
    cells = [("18-24", "1")] * 5 + [("18-24", "5")] * 6 + [("60+", "1")] * 6
    for n, (age, safe) in enumerate(cells):
        make_response(age_band=age, safe_at_night=safe, change_story=f"Story {n} of {age} feeling {safe}.")
    browser = login(make_user(Role.EVALUATOR))
    page = browser.get(URL + "?by=question:age_band").get_data(as_text=True)
    cell = f"{URL}/testimonies?answer=age_band%3D18-24&amp;also=safe_at_night%3D5"
    assert f'<a href="{cell}">6</a>' in page
    listed = browser.get(cell.replace("&amp;", "&")).get_data(as_text=True)
    assert listed.count("of 18-24 feeling 5.") == 6 and "feeling 1." not in listed
    assert '<option selected value="safe_at_night=5">' in listed  # the form keeps the column's answer


def test_a_cross_tab_row_with_cells_withheld_says_so_in_spanish(client, make_user, login, make_response):
    for age, safe in [("18-24", "1")] * 6 + [("18-24", "5")] * 2 + [("18-24", "4")] * 6 + [("60+", "1")] * 10:
        make_response(age_band=age, safe_at_night=safe)
    browser = login(make_user(Role.EVALUATOR))
    page = browser.get(URL + "?by=question:age_band&lang=es").get_data(as_text=True)
    block = page[page.index("(porcentajes por fila)") :]
    assert '<span class="muted" data-row-responses>de 14</span>' in block
    assert "data-partial-rows" in block and "no de todas sus respuestas" in block
    assert block.count('<span title="no se muestra" data-withheld>–</span>') == 2
    page = browser.get(URL + "?by=question:age_band&lang=en").get_data(as_text=True)
    assert "data-partial-rows" in page and "not of all its responses" in page
