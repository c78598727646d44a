"""Declarative base with a naming convention, so migrations name constraints the same everywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import DateTime, MetaData, Table
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every Voces model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A model's table, for bulk writes that need none of the ORM's bookkeeping for each row."""
    return cast(Table, model.__table__)


# Made by a migration outside the models: the testimonies' search index (a GIN index on PostgreSQL;
# on SQLite an FTS5 table, its shadow tables and triggers). Schema comparisons leave them out.
SEARCH_TABLE = "testimonial_fts"
SEARCH_INDEX = "ix_testimonial_search"


# Indexes on an expression, which SQLite cannot reflect nor a comparison there see: checked by name.
EXPRESSION_INDEXES = frozenset({"ix_testimonial_most_negative", "ix_testimonial_most_positive"})


def compared(name: str | None, type_: str, parent_names: object) -> bool:
    """Say whether a schema comparison looks at this table or index (Alembic's include_name)."""
    if type_ == "table" and name is not None and name.startswith(SEARCH_TABLE):
        return False
    return not (type_ == "index" and name == SEARCH_INDEX)
