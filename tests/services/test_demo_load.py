"""`demo load --responses N`: the bulk loader writes the rows the normal path writes, and they summarise."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, inspect, select, text

from survey.models import Answer, Response, Site, Survey, Testimonial, ThemeTag
from survey.models.testimonial import PENDING
from survey.questionnaire import parse_definition
from survey.services import demo_load, rollups
from survey.services.submissions import Submission, record_submission
from survey.services.summaries import SummaryFilters, summarise_survey
from tests.services.test_rollups import (
    assert_equal,
    assert_list_orders_kept,
    assert_tags_count_by_the_rule,
    from_raw_rows,
    joint_from_raw_rows,
    joint_rollup,
    rollup,
)

# Differ between any two responses, whatever path stored them.
OWN = {"id", "uuid", "receipt_code", "received_at", "response_id", "testimonial_id", "analysed_at", "created_at"}


def _columns(row, leave_out=OWN):
    return {c.key: getattr(row, c.key) for c in inspect(type(row)).column_attrs if c.key not in leave_out}


def _stored(db, response):
    answers = db.session.scalars(select(Answer).where(Answer.response_id == response.id).order_by(Answer.id)).all()
    testimonies = db.session.scalars(
        select(Testimonial).where(Testimonial.response_id == response.id).order_by(Testimonial.id)
    ).all()
    return answers, testimonies


def _resubmit(db, response, answers, testimonies):
    """Store the same answers through the path a form or tablet takes."""
    version = response.survey_version
    given = {a.question: a.value_text for a in answers} | {t.question: t.raw_text for t in testimonies}
    submission = Submission(
        uuid=str(uuid.uuid4()),
        version=version,
        definition=parse_definition(version.definition),
        answers=given,
        language=response.language,
        channel=response.channel,
        started_at=response.started_at,
        finished_at=response.submitted_at,
    )
    stored = record_submission(submission)
    db.session.commit()  # the analysis follows the commit
    db.session.expire_all()
    return db.session.get(Response, stored.id)


def test_bulk_rows_are_the_rows_the_normal_path_stores(runner, db):
    result = runner.invoke(args=["demo", "load", "--responses", "200"])
    assert result.exit_code == 0, result.output
    assert "200 of 200 responses" in result.output and "Demo data ready: 200 new responses." in result.output
    both = select(Response).join(Testimonial).group_by(Response.id).having(func.count(Testimonial.id) == 2)
    loaded = db.session.scalars(both.order_by(Response.id).limit(3)).all()
    assert len(loaded) == 3
    for response in loaded:
        answers, testimonies = _stored(db, response)
        again = _resubmit(db, response, answers, testimonies)
        answers_again, testimonies_again = _stored(db, again)
        assert _columns(again) == _columns(response)
        assert [_columns(a) for a in answers_again] == [_columns(a) for a in answers]
        assert [_columns(t) for t in testimonies_again] == [_columns(t) for t in testimonies]
        assert all(t.analyser_version != PENDING and t.redacted_text for t in testimonies)
        for bulk, normal in zip(testimonies, testimonies_again, strict=True):
            assert [_columns(tag) for tag in normal.tags] == [_columns(tag) for tag in bulk.tags]
            assert bulk.analysed_at == response.received_at  # analysed as it was stored
    assert db.session.scalar(select(func.count(ThemeTag.id))) > 200


def test_redaction_is_done_on_the_loaded_copies(runner, db):
    runner.invoke(args=["demo", "load", "--responses", "300"])
    redacted = db.session.scalars(select(Testimonial).where(Testimonial.redacted_text != Testimonial.raw_text)).first()
    assert redacted is not None and redacted.redactions
    span = redacted.redactions[0]
    assert redacted.redacted_text[span["start"] : span["end"]].startswith("[")


def test_the_loaded_survey_summarises_with_small_places_left_out(runner, db, monkeypatch):
    monkeypatch.setattr(demo_load, "RESPONSES_PER_SECTOR", 20)  # 10 sectors per demo site at 200 responses
    assert runner.invoke(args=["demo", "load", "--responses", "200"]).exit_code == 0
    assert db.session.scalar(select(func.count(Site.id))) == 60
    survey = db.session.scalars(select(Survey)).one()
    version = survey.versions[0]
    summary = summarise_survey(survey, parse_definition(version.definition), SummaryFilters(), min_group=5)
    assert summary.responses is not None and 0 < summary.responses < 200  # small sectors are left out
    assert any(count is None for _, count in summary.by_site)
    assert sum(count or 0 for _, count in summary.by_site) == summary.responses
    assert len(summary.by_month) >= 4  # the waves
    assert "safety" in {row.key for row in summary.themes} and len(summary.themes) >= 3
    assert summary.sentiment_scored > 0 and summary.sentiment_mean is not None  # both languages are scored


def test_a_second_load_adds_nothing_and_normal_ids_follow(runner, db, make_response):
    runner.invoke(args=["demo", "load", "--responses", "50"])
    again = runner.invoke(args=["demo", "load", "--responses", "50"])
    assert "Demo data ready: 0 new responses." in again.output
    response = make_response()  # the database hands out ids after the loaded ones
    assert db.session.scalar(select(func.count(Response.id))) == 51
    assert response.id > 50 and len(response.answers) == 8


@pytest.mark.parametrize("count", ["0", "-3"])
def test_a_count_below_one_is_refused(runner, count):
    assert runner.invoke(args=["demo", "load", "--responses", count]).exit_code != 0


def test_the_query_planner_is_told_of_the_loaded_rows(runner, db):
    runner.invoke(args=["demo", "load", "--responses", "50"])
    if db.engine.dialect.name == "postgresql":
        query = "SELECT reltuples FROM pg_class WHERE relname = 'response'"
        assert db.session.execute(text(query)).scalar() == 50
    else:
        stats = db.session.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'response'")).scalars().all()
        assert stats and all(s.split()[0] == "50" for s in stats)


def _not_in_a_load(*_args, **_kwargs):
    raise AssertionError("a demo load tallies this as it makes the rows: it reads no row back to count it")


def test_the_counts_tallied_as_rows_are_made_equal_a_count_of_the_raw_rows(runner, db, monkeypatch):
    monkeypatch.setattr(demo_load, "RESPONSES_PER_SECTOR", 20)  # many sites, so many cells
    monkeypatch.setattr(demo_load, "CHUNK", 150)  # counts of later chunks meet those of the first
    for slow in ("count_raw", "count_joint_raw", "counted_clause", "list_orders_clause"):
        monkeypatch.setattr(rollups, slow, _not_in_a_load)
    result = runner.invoke(args=["demo", "load", "--responses", "400"])
    assert result.exit_code == 0, result.output
    monkeypatch.undo()
    kept = joint_rollup(db)
    assert len({key[1] for key in kept}) > 20 and len({key[3] for key in kept}) > 3  # sites, questions
    assert kept == joint_from_raw_rows(db)
    assert_equal(rollup(db), from_raw_rows(db))
    assert_tags_count_by_the_rule(db)
    assert_list_orders_kept(db)


def _search_trigger(db):
    query = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'testimonial_fts_insert'"
    return db.session.execute(text(query)).scalar()


def test_on_sqlite_each_chunk_is_indexed_for_search_at_once_and_the_trigger_is_back(runner, db, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the search index of SQLite: PostgreSQL's is an index of the table, kept by the database")
    monkeypatch.setattr(demo_load, "CHUNK", 120)
    stored = demo_load.ChunkWriter.store
    triggers_while_storing = []

    def store(writer, connection, rows):
        triggers_while_storing.append(_search_trigger(db))
        stored(writer, connection, rows)

    monkeypatch.setattr(demo_load.ChunkWriter, "store", store)
    assert runner.invoke(args=["demo", "load", "--responses", "300"]).exit_code == 0
    assert triggers_while_storing == [0, 0, 0] and _search_trigger(db) == 1
    # The index holds exactly the stored texts (FTS5 compares them), and finds what a scan finds.
    db.session.execute(text("INSERT INTO testimonial_fts(testimonial_fts, rank) VALUES ('integrity-check', 1)"))
    found = db.session.execute(text("SELECT count(*) FROM testimonial_fts WHERE testimonial_fts MATCH 'night'"))
    scanned = db.session.execute(text("SELECT count(*) FROM testimonial WHERE redacted_text LIKE '%night%'"))
    assert found.scalar() == scanned.scalar() > 0


def test_on_sqlite_a_chunk_that_fails_leaves_the_search_trigger_in_place(runner, db, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the search index of SQLite: PostgreSQL's is an index of the table, kept by the database")

    def broken(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo_load.ChunkWriter, "store", broken)
    assert runner.invoke(args=["demo", "load", "--responses", "50"]).exit_code != 0
    db.session.rollback()
    assert _search_trigger(db) == 1


def _roles_while_storing(db, monkeypatch):
    """The session_replication_role each chunk's rows, then the counts, were written under."""
    stored = demo_load.ChunkWriter.store
    roles = []

    def store(writer, connection, rows):
        roles.append(connection.exec_driver_sql("SHOW session_replication_role").scalar())
        stored(writer, connection, rows)

    def write_counts(writer, connection):
        written(writer, connection)
        roles.append(("counts", connection.exec_driver_sql("SHOW session_replication_role").scalar()))

    written = demo_load.ChunkWriter.write_counts
    monkeypatch.setattr(demo_load.ChunkWriter, "store", store)
    monkeypatch.setattr(demo_load.ChunkWriter, "write_counts", write_counts)
    monkeypatch.setattr(demo_load, "CHUNK", 100)
    return roles


def test_on_postgresql_chunks_skip_the_reference_checks_that_they_need_not(runner, db, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's foreign-key checks: SQLite's are off unless asked for")
    roles = _roles_while_storing(db, monkeypatch)
    assert runner.invoke(args=["demo", "load", "--responses", "200"]).exit_code == 0
    assert roles == ["replica", "replica", ("counts", "replica")]
    assert db.session.execute(text("SHOW session_replication_role")).scalar() == "origin"  # for this chunk only
    orphans = (
        "SELECT (SELECT count(*) FROM answer a LEFT JOIN response r ON r.id = a.response_id WHERE r.id IS NULL)"
        " + (SELECT count(*) FROM theme_tag g LEFT JOIN testimonial t ON t.id = g.testimonial_id WHERE t.id IS NULL)"
        " + (SELECT count(*) FROM response r LEFT JOIN site s ON s.id = r.site_id WHERE s.id IS NULL)"
    )
    assert db.session.execute(text(orphans)).scalar() == 0


def test_on_postgresql_a_trigger_of_our_own_on_a_loaded_table_keeps_the_checks(runner, db, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's foreign-key checks: SQLite's are off unless asked for")
    roles = _roles_while_storing(db, monkeypatch)
    db.session.execute(
        text("CREATE FUNCTION voces_test_noop() RETURNS trigger AS 'BEGIN RETURN NEW; END' LANGUAGE plpgsql")
    )
    db.session.execute(
        text("CREATE TRIGGER voces_test_audit AFTER INSERT ON answer FOR EACH ROW EXECUTE FUNCTION voces_test_noop()")
    )
    db.session.commit()
    try:
        assert runner.invoke(args=["demo", "load", "--responses", "100"]).exit_code == 0
    finally:
        db.session.rollback()
        db.session.execute(text("DROP TRIGGER voces_test_audit ON answer"))
        db.session.execute(text("DROP FUNCTION voces_test_noop()"))
        db.session.commit()
    assert roles == ["origin", ("counts", "origin")]
