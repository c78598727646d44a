"""Every select question broken down by the answers to a select-one question: row shares from the joint
rollup, each cell published under the small-group rule."""

from __future__ import annotations

import pytest

from survey.questionnaire import parse_definition
from survey.services.crosstabs import by_questions
from survey.services.summaries import SummaryFilters, summarise_survey
from tests.services.test_question_summaries import with_needs  # noqa: F401 (a fixture)


def _crosstab(version, question, by="age_band", **filters):
    definition = parse_definition(version.definition)
    summary = summarise_survey(version.survey, definition, SummaryFilters(by_question=by, **filters), min_group=5)
    assert summary.by_question is not None and summary.by_question.name == by
    return next(ct for ct in summary.crosstabs if ct.question.name == question)


def _answer(make_response, times, **answers):
    for _ in range(times):
        make_response(**answers)


def test_row_shares_of_a_five_point_question_by_age_match_a_hand_count(make_response, example_survey):
    _answer(make_response, 5, age_band="18-24", safe_at_night="1")
    _answer(make_response, 5, age_band="18-24", safe_at_night="5")
    _answer(make_response, 10, age_band="60+", safe_at_night="1")
    crosstab = _crosstab(example_survey, "safe_at_night")
    rows = dict(crosstab.rows)
    assert set(rows) == {"18-24", "60+"}  # an age nobody gave has no row
    assert rows["18-24"].counts == (5, 0, 0, 0, 5) and [r.share for r in rows["18-24"].rows] == [0.5, 0, 0, 0, 0.5]
    assert rows["60+"].counts == (10, 0, 0, 0, 0) and rows["60+"].mean == 1
    assert rows["18-24"].mean == pytest.approx(3)
    assert all(ct.question.name != "age_band" for ct in _summary_crosstabs(example_survey))  # not by itself


def _summary_crosstabs(version):
    definition = parse_definition(version.definition)
    return summarise_survey(version.survey, definition, SummaryFilters(by_question="age_band"), min_group=5).crosstabs


def test_a_small_cell_is_withheld_with_the_cells_that_would_give_it_away(make_response, example_survey):
    _answer(make_response, 6, age_band="18-24", safe_at_night="1")
    _answer(make_response, 2, age_band="18-24", safe_at_night="5")  # two people: never shown, nor worked out
    _answer(make_response, 6, age_band="18-24", safe_at_night="4")
    _answer(make_response, 10, age_band="60+", safe_at_night="1")
    rows = dict(_crosstab(example_survey, "safe_at_night").rows)
    # The row's total (14) less what it shows must not leave 2: a second cell of the row goes, and
    # then the column of that cell (16 answered "1") must not give it away either.
    assert rows["18-24"].counts == (0, 0, 0, 6, 0)
    assert "60+" not in rows
    assert all(n == 0 or n >= 5 for row in rows.values() for n in row.counts)


def test_a_select_multiple_question_by_age_gives_each_choice_a_share_of_the_row(with_needs, make_response):  # noqa: F811
    _answer(make_response, 6, age_band="18-24", needs="lights clinic")
    _answer(make_response, 6, age_band="18-24", needs="lights")
    _answer(make_response, 10, age_band="60+", needs="jobs")
    rows = dict(_crosstab(with_needs, "needs").rows)
    assert rows["18-24"].counts == (12, 6, 0) and rows["18-24"].rows[0].share == 1.0
    assert rows["18-24"].rows[1].share == 0.5 and rows["18-24"].counted == 12
    assert rows["60+"].counts == (0, 0, 10)


def test_the_cross_tab_follows_the_summary_filters(make_response, example_survey, db):
    _answer(make_response, 5, age_band="18-24", safe_at_night="1", site="tumaco")
    _answer(make_response, 6, age_band="18-24", safe_at_night="5", site="guaviare")
    from sqlalchemy import select

    from survey.models import Site

    guaviare = db.session.scalar(select(Site.id).where(Site.slug == "guaviare"))
    rows = dict(_crosstab(example_survey, "safe_at_night", site_id=guaviare).rows)
    assert rows["18-24"].counts == (0, 0, 0, 0, 6)


def test_an_unknown_by_question_breaks_nothing_down(make_response, example_survey):
    _answer(make_response, 5)
    definition = parse_definition(example_survey.definition)
    for name in ("nothing_like_it", "change_story"):  # not a question; not a select-one
        summary = summarise_survey(example_survey.survey, definition, SummaryFilters(by_question=name), min_group=5)
        assert summary.by_question is None and summary.crosstabs == []


def test_a_personal_question_is_never_what_the_others_are_broken_down_by(example_survey, db):
    """Its answers are never shown to evaluators; neither are groups of them."""

    def marked(items):  # the example survey's questions sit in groups
        return [
            dict(q, questions=marked(q["questions"]))
            if "questions" in q
            else dict(q, personal=True)
            if q["name"] == "age_band"
            else q
            for q in items
        ]

    data = dict(example_survey.definition, questions=marked(example_survey.definition["questions"]))
    definition = parse_definition(data)
    assert "age_band" not in {q.name for q in by_questions(definition)}
    assert "safe_at_night" in {q.name for q in by_questions(definition)}


def test_a_row_with_cells_withheld_says_how_many_responses_it_has_in_all(make_response, example_survey):
    _answer(make_response, 6, age_band="18-24", safe_at_night="1")
    _answer(make_response, 2, age_band="18-24", safe_at_night="5")
    _answer(make_response, 6, age_band="18-24", safe_at_night="4")
    _answer(make_response, 10, age_band="60+", safe_at_night="1")
    crosstab = _crosstab(example_survey, "safe_at_night")
    rows = dict(crosstab.rows)
    assert rows["18-24"].counted == 6 and crosstab.responses["18-24"] == 14  # 100 % of 6, not of 14
    assert crosstab.partial
    # the cells withheld have no share: a 0 there would say nobody answered so
    assert [r.share for r in rows["18-24"].rows] == [None, 0, 0, 1, None]


def test_a_row_shown_whole_is_not_said_to_be_partial(make_response, example_survey):
    _answer(make_response, 5, age_band="18-24", safe_at_night="1")
    _answer(make_response, 5, age_band="18-24", safe_at_night="5")
    crosstab = _crosstab(example_survey, "safe_at_night")
    assert dict(crosstab.rows)["18-24"].counted == crosstab.responses["18-24"] == 10
    assert not crosstab.partial
