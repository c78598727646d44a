"""Rows written in bulk (COPY on PostgreSQL, one executemany elsewhere) read back as the same rows
written through Core do, each value converted by its column's type."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from survey.models import Testimonial
from survey.models.base import table_of
from survey.services.bulk_rows import BulkTable

COLUMNS = ("response_id", "question", "raw_text", "redacted_text", "redactions", "sentences", "polarity")


def _row(response_id: int, question: str) -> dict[str, object]:
    return {
        "response_id": response_id,
        "question": question,
        "raw_text": "Ana said the clinic closed.",
        "redacted_text": "[name] said the clinic closed.",
        "redactions": [{"kind": "name", "start": 0, "end": 6}],  # JSON: converted by its type
        "sentences": [],
        "polarity": -0.25,
        "analyser_version": "test",
        "codebook_version": "test",
        "analysed_at": datetime(2026, 12, 6, 9, 30, tzinfo=UTC),  # a type that converts on SQLite
    }


def _read(db, question: str) -> tuple[object, ...]:
    """The row's values but its question, which tells the rows apart."""
    table = table_of(Testimonial)
    names = [c for c in (*COLUMNS, "analyser_version", "codebook_version", "analysed_at") if c != "question"]
    return tuple(db.session.execute(select(*(table.c[n] for n in names)).where(table.c.question == question)).one())


def test_rows_written_in_bulk_read_back_as_rows_written_through_core(db, make_response):
    response = make_response()
    table = table_of(Testimonial)
    bulk = BulkTable(
        db.session.connection().dialect, table, [*COLUMNS, "analyser_version", "codebook_version", "analysed_at"]
    )
    bulk.write_dicts(db.session.connection(), [_row(response.id, "bulk_a"), _row(response.id, "bulk_b")])
    db.session.execute(insert(table), [_row(response.id, "core")])
    assert _read(db, "bulk_a") == _read(db, "bulk_b") == _read(db, "core")
    assert _read(db, "core")[3] == [{"kind": "name", "start": 0, "end": 6}]


def test_a_single_column_is_written_as_a_row_of_one_value(db):
    dialect = db.session.connection().dialect
    bulk = BulkTable(dialect, table_of(Testimonial), ["question"])
    assert bulk._values({"question": "change_story", "other": 1}) == ("change_story",)


def test_a_row_missing_a_column_is_refused_by_its_name(db):
    bulk = BulkTable(db.session.connection().dialect, table_of(Testimonial), COLUMNS)
    with pytest.raises(KeyError, match="polarity"):
        bulk.write_dicts(db.session.connection(), [{k: v for k, v in _row(1, "q").items() if k != "polarity"}])
