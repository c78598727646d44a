"""How a bulk load's transactions are set up on each database, so that its rows are written as fast
as the database can while every other connection sees the tables as the normal path leaves them.

For survey.services.demo_load, which writes a chunk of responses per transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table, bindparam, text

from survey.models import Site, SurveyVersion, Testimonial
from survey.models.base import SEARCH_TABLE, table_of

SQLITE_LOAD_CACHE_KIB = 256 * 1024  # keeps the unique indexes on random UUIDs and codes in memory
SEARCH_TRIGGER = f"{SEARCH_TABLE}_insert"  # on SQLite, indexes each testimony inserted (migration 0016)


@contextmanager
def sqlite_load_settings(connection: Connection) -> Iterator[None]:
    """On SQLite, a page cache large enough for the load, for this chunk's transaction only."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


@contextmanager
def search_indexed_by_chunk(connection: Connection, testimony_ids: list[int]) -> Iterator[None]:
    """On SQLite, put the chunk's testimonies in the search index by one statement once they are written,
    instead of by the trigger that indexes each as it is inserted (seven times the time, at 10,000
    responses a chunk). The trigger is dropped and made again from its own definition inside the chunk's
    transaction: whatever happens, other writers never see the table without it."""
    found = None
    if connection.dialect.name == "sqlite" and testimony_ids:
        query = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?"
        found = connection.exec_driver_sql(query, (SEARCH_TRIGGER,)).scalar()
    if found is None:
        yield
        return
    driver: Any = connection.connection.driver_connection
    if not driver.in_transaction:
        connection.exec_driver_sql("BEGIN")  # the driver's own begins at the first INSERT: too late for the DROP
    connection.exec_driver_sql(f"DROP TRIGGER {SEARCH_TRIGGER}")
    yield
    connection.exec_driver_sql(
        f"INSERT INTO {SEARCH_TABLE} (rowid, redacted_text) "  # noqa: S608 - names of our own
        f"SELECT id, redacted_text FROM {table_of(Testimonial).name} WHERE id BETWEEN ? AND ?",
        (min(testimony_ids), max(testimony_ids)),
    )
    connection.exec_driver_sql(found)


def reference_checks_skippable(connection: Connection, tables: Collection[Table]) -> bool:
    """Whether a load may skip PostgreSQL's foreign-key checks on these tables: as a superuser only,
    and only when none has a trigger or rule of its own, which skipping them would skip too."""
    if connection.dialect.name != "postgresql" or connection.exec_driver_sql("SHOW is_superuser").scalar() != "on":
        return False
    names = sorted(table.name for table in tables)
    query = text(
        "SELECT (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relname IN :names AND c.relnamespace = to_regnamespace(current_schema())) "
        "+ (SELECT count(*) FROM pg_rules WHERE tablename IN :names AND schemaname = current_schema())"
    ).bindparams(bindparam("names", expanding=True))
    return connection.execute(query, {"names": names}).scalar() == 0


def skip_reference_checks(connection: Connection, site_ids: Collection[int | None], version_id: int) -> None:
    """For the rest of this transaction, write without PostgreSQL's foreign-key checks (a quarter of a
    chunk's time in the database): every reference a chunk writes is to a row it wrote before in the
    same transaction, or to its sites and survey version, which are locked here as the checks would
    lock them, so that nobody deletes one before the chunk commits."""
    connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    sites, versions = table_of(Site), table_of(SurveyVersion)
    ids = sorted(i for i in site_ids if i is not None)
    connection.execute(
        sites.select().with_only_columns(sites.c.id).where(sites.c.id.in_(ids)).with_for_update(key_share=True)
    )
    locked = versions.select().with_only_columns(versions.c.id).where(versions.c.id == version_id)
    connection.execute(locked.with_for_update(key_share=True))
