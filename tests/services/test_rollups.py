"""The summary's counts kept in the rollup always equal a count of the raw rows, whatever was written."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, true

from survey.disclosure import SENTIMENT_SQUARES
from survey.models import Answer, CodedPassage, JointCount, Response, SummaryCount, SurveyVersion, Testimonial, ThemeTag
from survey.models.tag_rule import ListOrders, counts, list_orders
from survey.services import rollup_deltas
from survey.services.coding import code_passage, remove_passage
from survey.services.corrections import correct_themes
from survey.services.engine import current_engine
from survey.services.raw_counts import count_joint_raw, count_raw
from survey.services.rollups import rebuild_rollups
from survey.services.submissions import record_submission
from survey.services.summaries import SummaryFilters, summarise_survey
from survey.services.surveys import definition_of
from survey.services.sync import ingest_batch
from survey.services.testimonies import analyse_texts, load_for_analysis, store_analyses
from survey.services.withdrawals import withdraw_response
from tests.web.test_api import record

SITES = ["tumaco", "guaviare", "chilapa"]
STORIES = [
    "There are more shootings at night and the clinic closed.",
    "The clinic opened again and I feel safe now.",
    "Dealers sell drugs to children by the school.",
    "Nothing changed.",
]
THEMES = ["safety", "services", "drug_use", "safety.violence"]
CODES = ["safety", "services", "trust", "safety.violence"]  # codes on offer to code a passage with


def rollup(db):
    """The rollup's rows, as a multiset of cells and parts with their figures."""
    rows = db.session.execute(
        select(
            SummaryCount.survey_version_id,
            SummaryCount.site_id,
            SummaryCount.month,
            SummaryCount.statistic,
            SummaryCount.part,
            SummaryCount.count,
            SummaryCount.polarity_sum,
            SummaryCount.polarity_count,
        )
    )
    return _keyed(tuple(row) for row in rows)


def from_raw_rows(db):
    """What the grouped queries count from the raw rows, the same way."""
    versions = db.session.scalars(select(SurveyVersion.id)).all()
    rows = count_raw(true(), versions)
    keys = ("survey_version_id", "site_id", "month", "statistic", "part", "count", "polarity_sum", "polarity_count")
    return _keyed(tuple(row[k] for k in keys) for row in rows)


JOINT_KEY = ("survey_version_id", "site_id", "month", "by_question", "by_choice", "question", "part")


def joint_rollup(db):
    """The joint counts kept, as a multiset of cells and pairs of answers with their counts."""
    columns = [getattr(JointCount, k) for k in JOINT_KEY]
    return _joint_keyed(db.session.execute(select(*columns, JointCount.count)))


def joint_from_raw_rows(db):
    """The joint counts the grouped query counts from the raw answers."""
    versions = db.session.scalars(select(SurveyVersion.id)).all()
    return _joint_keyed(tuple(row[k] for k in (*JOINT_KEY, "count")) for row in count_joint_raw(true(), versions))


def _joint_keyed(rows):
    found = defaultdict(list)
    for *key, n in rows:
        found[tuple(key)].append(n)
    return dict(found)


def _keyed(rows):
    found = defaultdict(list)
    for *key, n, total, scored in rows:
        found[tuple(key)].append((n, total, scored))
    return dict(found)


def assert_equal(kept, counted):
    assert kept.keys() == counted.keys()
    for key, [(n, total, scored)] in counted.items():
        [(kept_n, kept_total, kept_scored)] = kept[key]
        assert (kept_n, kept_scored) == (n, scored), key
        assert math.isclose(kept_total, total, abs_tol=1e-9), key


def assert_tags_count_by_the_rule(db):
    tags = db.session.scalars(select(ThemeTag)).all()
    by_testimony = defaultdict(list)
    for tag in tags:
        by_testimony[tag.testimonial_id].append(tag)
    for tag in tags:
        assert tag.counts == counts(tag, by_testimony[tag.testimonial_id]), (tag.theme, tag.source)


def assert_list_orders_kept(db):
    """Each testimony's stored places in the list's orders by tags equal a recomputation from its tags."""
    for item in db.session.scalars(select(Testimonial).order_by(Testimonial.id)):
        assert ListOrders(item.top_confidence, item.review_order) == list_orders(item.tags), item.id


STEP = st.one_of(
    st.tuples(
        st.just("form"),
        st.sampled_from(SITES),
        st.integers(1, 3),
        st.sampled_from(STORIES),
        st.sampled_from(["1", "3", "5", ""]),  # safe_at_night: "" leaves it unanswered
        st.sampled_from(["18-24", "60+"]),
    ),
    st.tuples(st.just("answer"), st.integers(0, 50), st.sampled_from(["1", "2", "5", None])),
    st.tuples(st.just("batch"), st.lists(st.tuples(st.sampled_from(SITES), st.sampled_from(STORIES)), max_size=4)),
    st.tuples(
        st.just("correct"), st.integers(0, 50), st.sets(st.sampled_from(THEMES)), st.sets(st.sampled_from(THEMES))
    ),
    st.tuples(st.just("code"), st.integers(0, 50), st.sets(st.sampled_from(CODES), min_size=1), st.integers(0, 40)),
    st.tuples(st.just("uncode"), st.integers(0, 50)),
    st.tuples(st.just("withdraw"), st.integers(0, 50)),
    st.tuples(st.just("rerun"), st.integers(0, 50)),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(SITES), st.integers(1, 3)),
)


@pytest.fixture
def evaluator(make_user):
    return make_user()


def _nth(db, model, n):
    rows = db.session.scalars(select(model).order_by(model.id)).all()
    return rows[n % len(rows)] if rows else None


def _site(db, slug):
    from survey.models import Site

    return db.session.scalars(select(Site.id).where(Site.slug == slug)).one()


def _apply(step, db, make_response, version, evaluator):
    kind, *args = step
    if kind == "form":
        site, month, story, safe, age = args
        response = make_response(site=site, change_story=story, safe_at_night=safe, age_band=age)
        response.submitted_at = datetime(2026, month, 10, tzinfo=UTC)  # a later edit moves it between cells
    elif kind == "answer" and (response := _nth(db, Response, args[0])) is not None:
        answer = next((a for a in response.answers if a.question == "safe_at_night"), None)
        if args[1] is None and answer is not None:  # an edit takes the answer away
            db.session.delete(answer)
        elif answer is not None:
            answer.value_text = args[1]
        elif args[1] is not None:
            db.session.add(Answer(response_id=response.id, question="safe_at_night", value_text=args[1]))
    elif kind == "batch":
        records = [
            record(
                version=version.version, site=site, language="en", answers={**record()["answers"], "change_story": s}
            )
            for site, s in args[0]
        ]
        ingest_batch(records, user=None, device=None, source="api", language="en")
    elif kind == "correct" and (testimonial := _nth(db, Testimonial, args[0])) is not None:
        themes, offered = args[1], args[2]
        correct_themes(testimonial, themes & offered, offered, evaluator)
    elif kind == "code" and (testimonial := _nth(db, Testimonial, args[0])) is not None:
        length = len(testimonial.redacted_text)
        start = args[2] % length
        code_passage(testimonial, args[1], start, min(length, start + 5), evaluator)
    elif kind == "uncode" and (passage := _nth(db, CodedPassage, args[0])) is not None:
        remove_passage(db.session.get(Testimonial, passage.testimonial_id), passage, evaluator)
    elif kind == "withdraw" and (response := _nth(db, Response, args[0])) is not None:
        withdraw_response(response, by=None)
    elif kind == "rerun" and (testimonial := _nth(db, Testimonial, args[0])) is not None:
        items = load_for_analysis(Testimonial.id == testimonial.id)
        store_analyses(items, analyse_texts(items, current_engine()))
    elif kind == "move" and (response := _nth(db, Response, args[0])) is not None:
        response.site_id = _site(db, args[1])
        response.submitted_at = datetime(2026, args[2], 20, tzinfo=UTC)
    db.session.commit()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=8))
def test_the_rollup_equals_a_count_of_the_raw_rows(steps, db, make_response, example_survey, evaluator, monkeypatch):
    recounted_for_want_of_a_count = []
    monkeypatch.setattr(rollup_deltas, "touch_cells", lambda cells: recounted_for_want_of_a_count.extend(cells))
    for step in steps:
        _apply(step, db, make_response, example_survey, evaluator)
        db.session.expire_all()
        assert_equal(rollup(db), from_raw_rows(db))
        assert joint_rollup(db) == joint_from_raw_rows(db)
        assert_tags_count_by_the_rule(db)
        assert_list_orders_kept(db)
    assert recounted_for_want_of_a_count == []  # every difference met the counts it was made from


def test_counts_are_settled_before_the_summary_reads_them_in_the_same_transaction(make_response, example_survey, db):
    for _ in range(5):
        make_response(change_story="The clinic closed and it is terrible.")
    response = db.session.scalars(select(Response)).first()
    response.submitted_at = datetime(2025, 1, 15, tzinfo=UTC)  # not committed: the summary must still see it
    summary = summarise_survey(
        example_survey.survey, definition_of(example_survey), SummaryFilters(month_to="2025-12"), min_group=1
    )
    assert summary.responses == 1


def test_rebuild_after_a_bulk_load_gives_the_counts_kept_as_rows_were_written(make_response, example_survey, db):
    for story in STORIES:
        make_response(change_story=story)
    kept = rollup(db)
    assert kept
    kept_joint = joint_rollup(db)
    assert kept_joint
    db.session.execute(SummaryCount.__table__.delete())
    db.session.execute(JointCount.__table__.delete())
    db.session.execute(Testimonial.__table__.update().values(top_confidence=0.0, review_order=0.0))
    rebuild_rollups()
    db.session.commit()
    assert_equal(rollup(db), kept)
    assert joint_rollup(db) == kept_joint
    assert_list_orders_kept(db)


def test_a_savepoint_rolled_back_takes_its_differences_with_it(make_response, example_survey, db):
    from tests.services.test_submissions import submission  # the builder of a submission

    make_response()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        record_submission(submission(example_survey))
        raise RuntimeError("undone")
    record_submission(submission(example_survey))
    db.session.commit()
    assert_equal(rollup(db), from_raw_rows(db))
    assert db.session.scalar(select(SummaryCount.count).where(SummaryCount.statistic == "responses")) == 2


def test_the_rollup_keeps_the_squares_of_sentiment_for_a_spread(make_response, example_survey, db):
    """What the property above compares includes the squares: they must be there to compare."""
    for story in STORIES:
        make_response(change_story=story, what_would_help="")
    polarities = [p for p in db.session.scalars(select(Testimonial.polarity)) if p is not None]
    squares = [
        row
        for key, row in rollup(db).items()
        if key[3] == SENTIMENT_SQUARES and key[4] in ("negative", "neutral", "positive")
    ]
    assert polarities and math.isclose(sum(total for [(_, total, _)] in squares), sum(p * p for p in polarities))
    assert sum(scored for [(_, _, scored)] in squares) == len(polarities)


def test_joint_counts_pair_each_select_one_answer_with_every_other_choice_answer(make_response, example_survey, db):
    """What the property above compares is there to compare: a hand count of two responses."""
    make_response(safe_at_night="1", age_band="60+")
    make_response(safe_at_night="1", age_band="60+")
    make_response(safe_at_night="5", age_band="60+")
    kept = {(k[3], k[4], k[5], k[6]): n for k, [n] in joint_rollup(db).items()}
    assert kept["age_band", "60+", "safe_at_night", "1"] == 2
    assert kept["safe_at_night", "5", "age_band", "60+"] == 1
    assert not any(by == question for by, _, question, _ in kept)
    withdraw_response(db.session.scalars(select(Response)).first(), by=None)
    db.session.commit()
    kept = {(k[3], k[4], k[5], k[6]): n for k, [n] in joint_rollup(db).items()}
    assert kept["age_band", "60+", "safe_at_night", "1"] == 1


def test_an_answer_deleted_alone_is_counted_out_at_the_commit(make_response, example_survey, db):
    """Nothing else pending: the commit's own flush marks the cell, and it is counted again before the commit."""
    make_response(safe_at_night="2")
    response = db.session.scalars(select(Response)).one()
    db.session.delete(next(a for a in response.answers if a.question == "safe_at_night"))
    db.session.commit()
    db.session.expire_all()
    assert_equal(rollup(db), from_raw_rows(db))
