"""Records stored by the batch: a few statements for a whole batch, one answer per record as ever."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, func, select

from survey.extensions import db as _db
from survey.models import Response, SubmissionConflict, SurveyVersion, TagSource, Testimonial, ThemeTag
from survey.services.demo import EXAMPLE_SURVEY, SITES_FILE
from survey.services.sites import upsert_sites_from_file
from survey.services.surveys import import_survey, read_survey_file
from survey.services.sync import ingest_batch
from tests.web.test_api import record

# Lookups, inserts, the analysis's reads and writes, and the summary's counts of the cells touched
# counted again (survey.services.rollups): a handful, whatever the batch size.
STATEMENTS_A_BATCH = 35


@contextmanager
def counted() -> Iterator[dict[str, int]]:
    """Count the SQL statements sent and the ORM flushes that wrote something.

    Not counted: a young table's ANALYZE and the lock taken for it (survey.services.planner, tested on
    its own), which a batch sends when a table has doubled, on a test database whenever its files have.
    """
    seen = {"statements": 0, "flushes": 0}

    def statement(_connection: object, _cursor: object, sql: str, *_args: object) -> None:
        if not sql.startswith("ANALYZE ") and "pg_try_advisory_xact_lock" not in sql:
            seen["statements"] += 1

    def flush(*_args: object) -> None:
        seen["flushes"] += 1

    event.listen(_db.engine, "before_cursor_execute", statement)
    event.listen(_db.session, "before_flush", flush)
    try:
        yield seen
    finally:
        event.remove(_db.engine, "before_cursor_execute", statement)
        event.remove(_db.session, "before_flush", flush)


def ingest(records):
    return ingest_batch(records, user=None, device=None, source="api", language="en")


def changed(rec, story="Something else entirely."):
    other = copy.deepcopy(rec)
    other["answers"]["change_story"] = story
    return other


def test_a_mixed_batch_gets_the_same_answer_for_each_record_as_one_by_one(example_survey, db):
    version = example_survey.version
    stored, kept_aside = record(version=version), record(version=version)
    [first, _] = ingest([stored, kept_aside])
    db.session.commit()
    new, twice, bad = record(version=version), record(version=version), record(version=version, language="fr")
    batch = [
        stored,  # already stored: a duplicate with the receipt it was given
        changed(kept_aside),  # already stored with other content: a conflict kept aside
        new,
        twice,
        twice,  # sent twice in one batch: the second is a duplicate of the first
        changed(twice, "A third story."),  # then other content under that UUID: a conflict
        changed(twice, "A third story."),  # the same conflict again is not kept twice
        bad,
        "not a record",
        changed(kept_aside),
    ]
    results = ingest(batch)
    assert [r.status for r in results] == [
        "duplicate",
        "conflict",
        "created",
        "created",
        "duplicate",
        "conflict",
        "conflict",
        "invalid",
        "invalid",
        "conflict",
    ]
    assert results[0].receipt_code == first.receipt_code
    assert results[4].receipt_code == results[3].receipt_code and results[3].receipt_code != results[2].receipt_code
    assert results[1].errors == {"uuid": "ya se guardó con otro contenido; se apartó para revisarlo"}  # its language
    assert results[7].uuid == bad["uuid"] and results[7].errors == {"language": "must be en or es"}
    assert results[8].uuid is None and results[8].errors == {"record": "must be an object"}
    assert [r.as_json()["code"] for r in results[:4]] == [200, 409, 201, 201]
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 4
    conflicts = db.session.scalars(select(SubmissionConflict).order_by(SubmissionConflict.id)).all()
    assert [(c.uuid, c.source) for c in conflicts] == [(kept_aside["uuid"], "api"), (twice["uuid"], "api")]
    assert conflicts[1].payload["answers"]["change_story"] == "A third story."


def test_records_stored_by_the_batch_are_redacted_and_analysed(example_survey, db):
    definition = dict(example_survey.definition, form_id="named", version="1")
    named = {"name": "first_name", "type": "text", "personal": True, "label": {"en": "Your name", "es": "Su nombre"}}
    definition["questions"] = [*definition["questions"], named]
    import_survey(definition, publish=True)
    rec = record(survey="named", version="1", language="en")
    rec["answers"]["change_story"] = "Marisol says there are more shootings at night and the clinic closed."
    rec["answers"]["first_name"] = "Marisol"
    [result] = ingest([rec])
    assert result.status == "created", result.errors
    query = (
        select(Testimonial).join(Response).where(Response.uuid == rec["uuid"], Testimonial.question == "change_story")
    )
    pending = db.session.scalars(query).one()
    assert not pending.analysed and "Marisol" not in pending.redacted_text  # redacted before it is ever committed
    db.session.commit()  # the analysis follows the commit (in this process: no broker)
    db.session.expire_all()
    testimony = db.session.scalars(query).one()
    assert testimony.raw_text == rec["answers"]["change_story"] and "Marisol" not in testimony.redacted_text
    assert testimony.redactions and testimony.sentences and testimony.polarity is not None
    assert testimony.language == "en" and testimony.analyser_version and testimony.codebook_version
    tags = db.session.scalars(select(ThemeTag).where(ThemeTag.testimonial_id == testimony.id)).all()
    assert tags and {t.source for t in tags} == {TagSource.MACHINE} and all(t.evidence for t in tags)


def test_a_record_whose_testimony_opens_with_a_capitalised_particle_is_stored(example_survey, db):
    rec = record(version=example_survey.version, language="es")
    rec["answers"]["change_story"] = "Salí De casa"  # the name finder once stumbled on "De" alone
    [result] = ingest([rec])
    assert result.status == "created", result.errors


def test_a_testimony_stored_then_analysed_in_this_process_is_redacted_once(example_survey, db, monkeypatch):
    import survey.analysis.pipeline as pipeline

    redacted: list[str] = []

    def counting(text, names=(), places=()):
        redacted.append(text)
        return original(text, names, places)

    original = pipeline.redact
    monkeypatch.setattr(pipeline, "redact", counting)
    records = [record(version=example_survey.version) for _ in range(3)]
    for i, rec in enumerate(records):
        rec["answers"]["change_story"] = f"Story {i}: my neighbour Carlos saw the shooting."
    assert {r.status for r in ingest(records)} == {"created"}
    db.session.commit()  # the analysis follows the commit (in this process: no broker)
    stories = [r["answers"]["change_story"] for r in records]
    assert [redacted.count(story) for story in stories] == [1, 1, 1]
    testimonies = db.session.scalars(select(Testimonial)).all()
    assert len(redacted) == len(testimonies)  # the records' other testimonies once each too
    assert all(t.analysed for t in testimonies)
    assert all("Carlos" not in t.redacted_text for t in testimonies if t.question == "change_story")


def test_the_statements_of_a_batch_do_not_grow_with_its_records(example_survey, db):
    version = example_survey.version
    with counted() as few:
        assert {r.status for r in ingest([record(version=version) for _ in range(3)])} == {"created"}
    with counted() as many:
        assert {r.status for r in ingest([record(version=version) for _ in range(60)])} == {"created"}
    assert many["statements"] <= few["statements"] <= STATEMENTS_A_BATCH
    assert many["flushes"] <= 1


def test_the_statements_of_a_mixed_batch_are_bounded_too(example_survey, db):
    version = example_survey.version
    stored = [record(version=version) for _ in range(20)]
    ingest(stored)
    batch = [*stored[:10], *(changed(r) for r in stored[10:]), *(record(version=version) for _ in range(20))]
    batch += [record(version=version, language="fr") for _ in range(10)]
    with counted() as seen:
        results = ingest(batch)
    assert [r.status for r in results] == ["duplicate"] * 10 + ["conflict"] * 10 + ["created"] * 20 + ["invalid"] * 10
    assert seen["statements"] <= STATEMENTS_A_BATCH + 5  # and the conflicts, looked up and kept in bulk
    assert seen["flushes"] <= 1


def test_a_nul_is_found_wherever_it_hides_and_its_escaped_spelling_is_only_text(example_survey, db):
    version = example_survey.version
    in_a_key, in_a_list, spelled = (record(version=version, language="en") for _ in range(3))
    in_a_key["answers"]["note\x00"] = "fine"
    in_a_list["extra"] = [{"deep": ["a\x00b"]}]
    spelled["answers"]["change_story"] = "The tablet showed \\u0000 where the word was."
    results = ingest([in_a_key, in_a_list, spelled])
    assert [r.status for r in results] == ["invalid", "invalid", "created"]
    assert results[0].errors == {"note": "holds a NUL character, which cannot be stored"}
    assert results[1].errors == {"extra": "holds a NUL character, which cannot be stored"}


def test_a_queue_file_is_stored_by_the_same_batch_path(runner, example_survey, tmp_path, db):
    import json

    version = example_survey.version
    stored = record(version=version)
    ingest([stored])
    db.session.commit()
    records = [stored, changed(stored), *(record(version=version) for _ in range(40)), record(version="1999.1")]
    path = tmp_path / "queue.json"
    path.write_text(json.dumps({"records": records}))
    with counted() as seen:
        output = runner.invoke(args=["submissions", "import", str(path)]).output
    assert "40 created, 1 duplicate, 1 conflict, 1 invalid" in output
    # beside the batch's own: the import job planned, its chunk claimed, read and answered, its progress read
    assert seen["statements"] <= STATEMENTS_A_BATCH + 15
    assert db.session.scalars(select(SubmissionConflict.source)).all() == ["file"]


def test_a_batch_that_races_another_on_the_same_uuids_answers_duplicates(example_survey, db, monkeypatch):
    """The second batch looked before the first had committed: the database refuses its copies, and
    the second look finds them."""
    import survey.services.sync as sync

    version = example_survey.version
    batch = [record(version=version) for _ in range(5)]
    first = ingest(batch)
    real, calls = sync.find_responses, []

    def missed_once(uuids):
        calls.append(uuids)
        return {} if len(calls) == 1 else real(uuids)

    monkeypatch.setattr(sync, "find_responses", missed_once)
    again = ingest([*batch[:3], changed(batch[3]), record(version=version)])
    assert [r.status for r in again] == ["duplicate"] * 3 + ["conflict", "created"]
    assert [r.receipt_code for r in again[:3]] == [r.receipt_code for r in first[:3]]
    assert len(calls) == 2
    assert db.session.scalar(select(func.count()).select_from(Response)) == 6


def test_a_record_that_cannot_be_stored_costs_only_itself(example_survey, db, monkeypatch):
    import survey.services.sync as sync

    version = example_survey.version
    batch = [record(version=version) for _ in range(4)]
    broken = batch[2]["uuid"]
    real = sync.store_submissions

    def refuse_one(submissions, sites=None):
        if any(s.uuid == broken for s in submissions):
            raise ValueError("an input nobody foresaw")
        return real(submissions, sites)

    monkeypatch.setattr(sync, "store_submissions", refuse_one)
    results = ingest(batch)
    assert [r.status for r in results] == ["created", "created", "invalid", "created"]
    assert results[2].uuid == broken and results[2].errors == {"record": "no se pudo guardar"}
    assert db.session.scalar(select(func.count()).select_from(Response)) == 3


# Two requests with the same batch at the same moment, each in its own thread, session and transaction.


@pytest.fixture
def sqlite_file_app(make_app, tmp_path):
    """An app on a file SQLite database, where writers take turns, with the example survey."""
    application = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'voces.db'}")
    with application.app_context():
        upgrade()
        upsert_sites_from_file(SITES_FILE)
        import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True)
        _db.session.commit()
    return application


def _on_postgresql(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture(params=["sqlite-file", "suite-database"])
def racing_app(request, app):
    """Where two batches can race: a file SQLite database, and the suite's database if it is PostgreSQL."""
    if request.param == "sqlite-file":
        return request.getfixturevalue("sqlite_file_app")
    if not _on_postgresql(app):
        pytest.skip("the suite's database is in-memory SQLite, one connection for every thread: no race possible")
    request.getfixturevalue("example_survey")
    return app


def _ingest_in_thread(app, records, results, key, before=None):
    with app.app_context():
        if before is not None:
            before()
        results[key] = ingest(records)
        _db.session.commit()


def _published_version() -> str:
    return _db.session.scalars(select(SurveyVersion.version)).one()


@pytest.mark.parametrize("order", ["same order", "reversed"])
def test_two_batches_racing_on_the_same_uuids_store_each_record_once(racing_app, order):
    """Reversed, each batch may wait for a row the other holds: PostgreSQL then stops one of them,
    which stores its records one by one and finds the other's."""
    with racing_app.app_context():
        version = _published_version()
    batch = [record(version=version) for _ in range(30)]
    other = [*batch[:20], *(changed(r) for r in batch[20:])]
    if order == "reversed":
        other.reverse()
    results: dict[str, list] = {}
    start = threading.Barrier(2)
    threads = [
        threading.Thread(target=_ingest_in_thread, args=(racing_app, records, results, key, start.wait))
        for key, records in (("a", batch), ("b", other))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    a = {r.uuid: r.status for r in results["a"]}
    b = {r.uuid: r.status for r in results["b"]}
    first, second = (a, b) if "created" in a.values() else (b, a)  # whichever stored first
    assert set(first.values()) == {"created"}
    resent = {rec["uuid"]: "duplicate" for rec in batch[:20]} | {rec["uuid"]: "conflict" for rec in batch[20:]}
    assert second == resent  # the other answers as a resend would be
    with racing_app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Response)) == 30
        assert _db.session.scalar(select(func.count()).select_from(SubmissionConflict)) == 10


def test_a_batch_that_looked_before_another_committed_finds_its_records_on_postgresql(app, monkeypatch):
    """The interleaving a free race may or may not hit: B looks, A stores and commits, B stores."""
    if not _on_postgresql(app):
        pytest.skip("needs two open transactions at once: PostgreSQL (set TEST_DATABASE_URL)")
    import survey.services.sync as sync

    with app.app_context():
        upsert_sites_from_file(SITES_FILE)
        version = import_survey(read_survey_file(EXAMPLE_SURVEY), publish=True).version
        _db.session.commit()
    batch = [record(version=version) for _ in range(10)]
    b_looked, a_committed = threading.Event(), threading.Event()
    real = sync.find_responses

    def look(uuids):
        found = real(uuids)
        if threading.current_thread().name == "b" and not b_looked.is_set():
            b_looked.set()
            assert a_committed.wait(30)
        return found

    monkeypatch.setattr(sync, "find_responses", look)
    results: dict[str, list] = {}

    def a_after_b_looked():
        assert b_looked.wait(30)

    thread_b = threading.Thread(target=_ingest_in_thread, args=(app, batch, results, "b"), name="b")
    thread_a = threading.Thread(target=_ingest_in_thread, args=(app, batch, results, "a", a_after_b_looked), name="a")
    thread_b.start()
    thread_a.start()
    thread_a.join()
    a_committed.set()
    thread_b.join()
    assert [r.status for r in results["a"]] == ["created"] * 10
    assert [r.status for r in results["b"]] == ["duplicate"] * 10
    assert [r.receipt_code for r in results["b"]] == [r.receipt_code for r in results["a"]]
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Response)) == 10


def test_a_queue_file_longer_than_a_batch_is_stored_batch_after_batch(example_survey, db, monkeypatch):
    import json

    import survey.services.sync as sync
    from survey.services.queue_files import import_queue_file

    monkeypatch.setattr(sync, "MAX_BATCH", 10)
    records = [record(version=example_survey.version) for _ in range(24)]
    records.insert(15, records[3])  # sent again in a later batch of the same file
    with counted() as seen:
        results = import_queue_file(json.dumps({"records": records}).encode())
    assert [r.status for r in results] == ["created"] * 15 + ["duplicate"] + ["created"] * 9
    assert results[15].receipt_code == results[3].receipt_code
    assert seen["statements"] <= 3 * STATEMENTS_A_BATCH
    assert db.session.scalar(select(func.count()).select_from(Response)) == 24


def test_a_batch_locks_the_cells_of_both_counts_at_once_on_postgresql(app, example_survey, db):
    """The summary's and the joint counts' cells locked in one statement, in one order: locked in turn,
    two batches could each hold a cell of one kind that the other waits for."""
    if not _on_postgresql(app):
        pytest.skip("PostgreSQL's advisory locks (set TEST_DATABASE_URL); SQLite lets one transaction write")
    sent: list[str] = []

    def look(_connection: object, _cursor: object, sql: str, *_args: object) -> None:
        sent.append(sql)

    def committed(_connection: object) -> None:
        event.remove(db.engine, "before_cursor_execute", look)  # the analysis that follows locks on its own

    version = example_survey.version
    event.listen(db.engine, "before_cursor_execute", look)
    event.listen(db.engine, "commit", committed, once=True)
    ingest([record(version=version, site=site) for site in ("tumaco", "chilapa", "tumaco")])
    db.session.commit()
    assert len([sql for sql in sent if "pg_advisory_xact_lock(key)" in sql]) == 1


def test_a_young_table_s_statistics_follow_it_as_batches_fill_it_on_postgresql(app, example_survey, db, monkeypatch):
    """Statistics gathered on nearly empty tables make PostgreSQL plan each insert's checks as for an
    empty table: once a young table has more than doubled its pages, the batch that did it gathers them
    again, at once (its size is known without waiting for the catalogue's counts), and not before."""
    if not _on_postgresql(app):
        pytest.skip("PostgreSQL's planner statistics (set TEST_DATABASE_URL); SQLite gathers none itself")
    from sqlalchemy import text

    import survey.services.planner as planner

    def planned() -> tuple[float, int]:
        return db.session.execute(text("SELECT reltuples, relpages FROM pg_class WHERE relname = 'response'")).one()

    db.session.execute(text("TRUNCATE response CASCADE"))  # the pages of earlier tests' rows given back
    db.session.execute(text("ANALYZE response"))
    db.session.commit()
    assert planned() == (0, 0)
    version = example_survey.version
    ingest([record(version=version) for _ in range(12)])
    db.session.commit()
    assert planned()[0] < 12, f"fewer than {planner.MIN_PAGES} pages never call for fresh statistics"
    monkeypatch.setattr(planner, "MIN_PAGES", 0)
    sent: list[str] = []

    def look(_connection: object, _cursor: object, sql: str, *_args: object) -> None:
        sent.append(sql)

    event.listen(db.engine, "before_cursor_execute", look)
    try:
        ingest([record(version=version)])
    finally:
        event.remove(db.engine, "before_cursor_execute", look)
    db.session.commit()
    assert "response (id, uuid)" in [s for s in sent if s.startswith("ANALYZE ")][0], "only the columns inserts read"
    assert planned() == (13, 1), "the batch's own rows are counted"
    ingest([record(version=version)])
    db.session.commit()
    assert planned() == (13, 1), "a table that has not doubled keeps its statistics"
