"""The schema comes from the migrations: one head, and upgrading an empty database gives the models."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from survey import create_app
from survey.extensions import db
from survey.models import Base
from survey.models.base import EXPRESSION_INDEXES, compared

INDEX_NAMES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
    "postgresql": "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
}


def test_single_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_upgrade_of_an_empty_database_matches_the_models(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/empty.db"
    if os.environ.get("TEST_DATABASE_URL"):
        # the suite's database already holds the schema; check a fresh schema in its own namespace
        url = _fresh_postgres_database(url)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": compared})
            diff = compare_metadata(context, Base.metadata)
            tables = set(inspect(connection).get_table_names())
            indexes = set(connection.scalars(text(INDEX_NAMES[connection.dialect.name])))
        db.engine.dispose()
    assert diff == []
    assert indexes >= EXPRESSION_INDEXES  # which the comparison cannot see on SQLite
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def _fresh_postgres_database(url: str) -> str:
    """An empty database named after the suite's own, so that suites on one server do not share it."""
    base, _, name = url.rpartition("/")
    fresh = f"{name.partition('?')[0]}_migrations"
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{fresh}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{fresh}"')
    engine.dispose()
    return f"{base}/{fresh}"


NOTES = {
    "no text to score": "no_text",
    "language could not be identified": "language_unknown",
    "no sentiment method validated on labelled Spanish text yet": "language_not_scored:es",
    "no sentiment method for language 'pt'": "language_not_scored:pt",
}


def test_not_scored_sentences_become_codes_and_back(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/notes.db")
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            for number, note in enumerate([*NOTES, None]):
                connection.execute(
                    text(
                        "INSERT INTO testimonial (id, response_id, question, raw_text, redacted_text, redactions, "
                        "sentiment_note, sentences, analyser_version, codebook_version, analysed_at) VALUES "
                        "(:id, 1, :id, 't', 't', '[]', :note, '[]', 'a', 'b', '2026-12-01 00:00:00')"
                    ),
                    {"id": number + 1, "note": note},
                )
        upgrade(revision="0004")
        assert _notes() == [*NOTES.values(), None]
        downgrade(revision="0003")
        assert _notes() == [*NOTES, None]
        db.engine.dispose()


def _notes() -> list[str | None]:
    with db.engine.connect() as connection:
        return list(connection.execute(text("SELECT sentiment_note FROM testimonial ORDER BY id")).scalars())


def test_existing_accounts_get_their_own_session_token(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/accounts.db")
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            for number in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO user (id, email, password_hash, role, active, created_at) VALUES "
                        "(:id, :email, 'x', 'evaluator', 1, '2026-12-01 00:00:00')"
                    ),
                    {"id": number, "email": f"person{number}@voces.example"},
                )
        upgrade(revision="0005")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT session_token, failed_logins FROM user ORDER BY id")).all()
        assert len({token for token, _ in rows}) == 2 and all(len(token) >= 40 for token, _ in rows)
        assert [failures for _, failures in rows] == [0, 0]
        downgrade(revision="0004")
        db.engine.dispose()


def test_stored_responses_are_counted_into_the_rollup_and_tags_told_whether_they_count(tmp_path):
    import json

    from survey.services.demo import EXAMPLE_SURVEY
    from survey.services.surveys import read_survey_file

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/rollups.db")
    with app.app_context():
        upgrade(revision="0007")
        definition = json.dumps(read_survey_file(EXAMPLE_SURVEY))
        statements = [
            "INSERT INTO survey (id, slug, status, created_at) VALUES (1, 's', 'open', '2026-01-01 00:00:00')",
            "INSERT INTO survey_version (id, survey_id, version, definition, created_at) "
            "VALUES (1, 1, '1', :definition, '2026-01-01 00:00:00')",
            "INSERT INTO site (id, slug, name, region, country) VALUES (1, 'a', 'A', 'R', 'CO')",
            *[
                "INSERT INTO response (id, uuid, receipt_code, survey_version_id, site_id, channel, language, "
                f"consent_scope, submitted_at, received_at) VALUES ({n}, 'u{n}', 'r{n}', 1, 1, 'web', 'en', "
                f"'quote', '2026-0{n}-15 10:00:00', '2026-01-01 00:00:00')"
                for n in (1, 2)
            ],
            "INSERT INTO answer (id, response_id, question, value_text) VALUES (1, 1, 'safe_at_night', '4')",
            *[
                "INSERT INTO testimonial (id, response_id, question, raw_text, redacted_text, redactions, polarity, "
                f"sentences, analyser_version, codebook_version, analysed_at) VALUES ({n}, {n}, 'change_story', 't', "
                "'t', '[]', 0.5, '[]', 'a', 'b', '2026-12-01 00:00:00')"
                for n in (1, 2)
            ],
        ]
        tags = [  # testimony, theme, source, confidence: a person rejected safety on the first
            (1, "safety", "machine", 0.9),
            (1, "safety", "human", 0.0),
            (1, "safety.violence", "machine", 0.9),
            (1, "services", "machine", 0.9),
            (2, "safety", "machine", 0.9),
        ]
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement), {"definition": definition})
            for number, (testimony, theme, source, confidence) in enumerate(tags, start=1):
                connection.execute(
                    text(
                        "INSERT INTO theme_tag (id, testimonial_id, theme, source, confidence, evidence, created_at) "
                        "VALUES (:id, :testimony, :theme, :source, :confidence, '[]', '2026-12-01 00:00:00')"
                    ),
                    {"id": number, "testimony": testimony, "theme": theme, "source": source, "confidence": confidence},
                )
        upgrade(revision="0008")
        with db.engine.connect() as connection:
            counted = connection.execute(text("SELECT counts FROM theme_tag ORDER BY id")).scalars().all()
            rows = connection.execute(
                text("SELECT month, statistic, part, count FROM summary_count ORDER BY month, statistic, part")
            ).all()
        assert [bool(c) for c in counted] == [False, False, False, True, True]
        assert ("2026-01", "theme:services", "yes", 1) in rows and ("2026-02", "theme:safety", "yes", 1) in rows
        assert not any(statistic == "theme:safety" and month == "2026-01" for month, statistic, _, _ in rows)
        assert ("2026-01", "answer:safe_at_night", "4", 1) in rows and ("2026-02", "responses", "all", 1) in rows
        downgrade(revision="0007")
        db.engine.dispose()


def test_stored_testimonies_get_their_places_in_the_orders_by_tags(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/orders.db")
    with app.app_context():
        upgrade(revision="0021")
        statements = [
            "INSERT INTO survey (id, slug, status, created_at) VALUES (1, 's', 'open', '2026-01-01 00:00:00')",
            "INSERT INTO survey_version (id, survey_id, version, definition, created_at) "
            "VALUES (1, 1, '1', '{}', '2026-01-01 00:00:00')",
            *[
                "INSERT INTO response (id, uuid, receipt_code, survey_version_id, channel, language, "
                f"consent_scope, submitted_at, received_at) VALUES ({n}, 'u{n}', 'r{n}', 1, 'web', 'en', "
                "'quote', '2026-01-15 10:00:00', '2026-01-01 00:00:00')"
                for n in (1, 2, 3)
            ],
            *[
                "INSERT INTO testimonial (id, response_id, question, raw_text, redacted_text, redactions, "
                f"sentences, analyser_version, codebook_version, analysed_at) VALUES ({n}, {n}, 'change_story', 't', "
                "'t', '[]', '[]', 'a', 'b', '2026-12-01 00:00:00')"
                for n in (1, 2, 3)
            ],
        ]
        tags = [  # testimony, theme, source, confidence, counts: a person rejected safety on the first
            (1, "safety", "machine", 0.9, False),
            (1, "safety", "human", 0.0, False),
            (1, "services", "machine", 0.4, True),
            (2, "safety", "machine", 0.7, True),
            (2, "trust", "machine", 0.3, True),
        ]
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
            for number, (testimony, theme, source, confidence, counts) in enumerate(tags, start=1):
                connection.execute(
                    text(
                        "INSERT INTO theme_tag (id, testimonial_id, theme, source, confidence, counts, evidence, "
                        "created_at) VALUES (:id, :testimony, :theme, :source, :confidence, :counts, '[]', "
                        "'2026-12-01 00:00:00')"
                    ),
                    {"id": number, "testimony": testimony, "theme": theme, "source": source, "confidence": confidence}
                    | {"counts": counts},
                )
        upgrade(revision="0022")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT top_confidence, review_order FROM testimonial ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(0.4, 2.0), (0.7, 0.3), (-1.0, 9.0)]
        downgrade(revision="0021")


def test_stored_answers_stay_valid_and_a_nested_instance_is_told_apart_by_its_outer_one(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/nested.db")
    with app.app_context():
        upgrade(revision="0022")
        statements = [
            "INSERT INTO survey (id, slug, status, created_at) VALUES (1, 's', 'open', '2026-01-01 00:00:00')",
            "INSERT INTO survey_version (id, survey_id, version, definition, created_at) "
            "VALUES (1, 1, '1', '{}', '2026-01-01 00:00:00')",
            "INSERT INTO response (id, uuid, receipt_code, survey_version_id, channel, language, consent_scope, "
            "submitted_at, received_at) VALUES (1, 'u1', 'r1', 1, 'web', 'en', 'quote', '2026-01-15 10:00:00', "
            "'2026-01-01 00:00:00')",
            "INSERT INTO answer (response_id, question, instance, value_text) VALUES (1, 'village', 0, 'Alto')",
            "INSERT INTO answer (response_id, question, instance, value_text) VALUES (1, 'member_name', 1, 'Ana')",
        ]
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
        upgrade(revision="0023")
        with db.engine.begin() as connection:
            rows = connection.execute(text("SELECT question, parent_instance, instance FROM answer ORDER BY id")).all()
            assert [tuple(row) for row in rows] == [("village", "", 0), ("member_name", "", 1)]
            for parent in ("1", "2"):  # the first child of the first woman, and of the second
                connection.execute(
                    text(
                        "INSERT INTO answer (response_id, question, parent_instance, instance, value_text) "
                        "VALUES (1, 'child_name', :parent, 1, 'Leo')"
                    ),
                    {"parent": parent},
                )
        downgrade(revision="0022")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM answer")).scalar() == 2
        db.engine.dispose()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_stored_recordings_wait_for_a_transcript_and_keep_their_bytes_when_the_link_goes(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/transcripts.db")
    with app.app_context():
        upgrade(revision="0024")
        statements = [
            "INSERT INTO survey (id, slug, status, created_at) VALUES (1, 's', 'open', '2026-01-01 00:00:00')",
            "INSERT INTO survey_version (id, survey_id, version, definition, created_at) "
            "VALUES (1, 1, '1', '{}', '2026-01-01 00:00:00')",
            "INSERT INTO response (id, uuid, receipt_code, survey_version_id, channel, language, consent_scope, "
            "submitted_at, received_at) VALUES (1, 'u1', 'r1', 1, 'web', 'en', 'quote', '2026-01-15 10:00:00', "
            "'2026-01-01 00:00:00')",
            "INSERT INTO media_file (id, response_id, question, file_name, content_type, size, to_transcribe, data, "
            "received_at) VALUES (1, 1, 'story', 'a.ogg', 'audio/ogg', 3, 1, X'4F6767', '2026-01-15 10:00:00')",
        ]
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
        upgrade(revision="0025")
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT transcript_id, to_transcribe FROM media_file")).one() == (None, 1)
            connection.execute(
                text(
                    "INSERT INTO testimonial (id, response_id, question, raw_text, redacted_text, redactions, "
                    "sentences, analyser_version, codebook_version, analysed_at, top_confidence, review_order) "
                    "VALUES (7, 1, 'story', 'words', 'words', '[]', '[]', 'pending', 'pending', "
                    "'2026-01-15 10:00:00', 0, 0)"
                )
            )
            connection.execute(text("UPDATE media_file SET transcript_id = 7, to_transcribe = 0"))
        downgrade(revision="0024")
        with db.engine.connect() as connection:
            assert "transcript_id" not in {c["name"] for c in inspect(connection).get_columns("media_file")}
            assert connection.execute(text("SELECT count(*) FROM media_file")).scalar() == 1
        db.engine.dispose()


def test_responses_get_an_empty_start_location_that_goes_with_the_downgrade(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/start.db")
    with app.app_context():
        upgrade(revision="0025")
        statements = [
            "INSERT INTO survey (id, slug, status, created_at) VALUES (1, 's', 'open', '2026-01-01 00:00:00')",
            "INSERT INTO survey_version (id, survey_id, version, definition, created_at) "
            "VALUES (1, 1, '1', '{}', '2026-01-01 00:00:00')",
            "INSERT INTO response (id, uuid, receipt_code, survey_version_id, channel, language, consent_scope, "
            "submitted_at, received_at) VALUES (1, 'u1', 'r1', 1, 'web', 'en', 'quote', '2026-01-15 10:00:00', "
            "'2026-01-01 00:00:00')",
        ]
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
        upgrade(revision="0026")
        located = "SELECT start_latitude, start_longitude, start_altitude, start_accuracy FROM response"
        with db.engine.begin() as connection:
            assert connection.execute(text(located)).one() == (None, None, None, None)
            connection.execute(text("UPDATE response SET start_latitude = 1.8, start_longitude = -78.7"))
        downgrade(revision="0025")
        with db.engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("response")}
            assert not {c for c in columns if c.startswith("start_")}
            assert connection.execute(text("SELECT uuid FROM response")).scalar() == "u1"
        db.engine.dispose()


def test_a_response_s_site_version_and_testimonies_are_still_found_by_an_index_without_the_redundant_ones(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/indexes.db")
    lookups = {  # each by the index of which it is the first column; a SCAN would read the whole table
        "SELECT id FROM response WHERE site_id = 1": "site_id=?",
        "SELECT id FROM response WHERE survey_version_id = 1": "survey_version_id=?",
        "SELECT id FROM testimonial WHERE response_id = 1": "response_id=?",
    }
    dropped = {"ix_response_site_id", "ix_response_survey_version_id", "ix_testimonial_response_id"}
    with app.app_context():
        upgrade(revision="0027")
        with db.engine.connect() as connection:
            assert not dropped & set(connection.scalars(text(INDEX_NAMES["sqlite"])))
            for query, search in lookups.items():
                plan = " ".join(str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}")))
                assert plan.startswith("SEARCH") and "INDEX" in plan and f"({search}" in plan, plan
        downgrade(revision="0026")
        with db.engine.connect() as connection:
            assert dropped <= set(connection.scalars(text(INDEX_NAMES["sqlite"])))
        db.engine.dispose()
