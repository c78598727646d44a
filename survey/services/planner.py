"""Keep the database's query planner informed: statistics about the tables, refreshed after big changes."""

from __future__ import annotations

from sqlalchemy import Connection, text

from survey.extensions import db


def refresh_planner_statistics(connection: Connection | None = None) -> None:
    """Refresh the statistics the planner chooses indexes by: after migrations and after bulk loads.

    PostgreSQL: ANALYZE. SQLite: ANALYZE with a sampling limit (fast even on large tables), then
    PRAGMA optimize. Runs in the caller's transaction (the session's when no connection is given).
    Without it, a table loaded in bulk keeps the statistics of when it was empty, and SQLite, which
    never gathers them itself, may choose a slower index for the summary's and the sync's queries.
    """
    run = connection.execute if connection is not None else db.session.execute
    dialect = connection.dialect.name if connection is not None else db.session.get_bind().dialect.name
    if dialect == "postgresql":
        run(text("ANALYZE"))
    elif dialect == "sqlite":
        limit = run(text("PRAGMA analysis_limit")).scalar()
        run(text("PRAGMA analysis_limit = 1000"))
        run(text("ANALYZE"))
        run(text(f"PRAGMA analysis_limit = {int(limit or 0)}"))
        run(text("PRAGMA optimize"))


# The tables a sync batch fills, and the size under which a table counts as young. Statistics gathered
# when a table was nearly empty make PostgreSQL plan the foreign-key checks of every insert as a scan of
# the whole referenced table, and a session keeps that plan until the next ANALYZE: seen, an answer's
# check reading every stored response, a batch of 100 records slowing from 3 to 20 ms of COPY as the
# tables filled. Autovacuum analyses them within a minute or so; a first large import is over by then.
# Only the columns that inserting rows and looking resends up read are analysed: the table's size and
# their statistics, not those of every text (the testimonies' cost 30 ms at 2,000 rows, against 2 ms).
# Autovacuum's full ANALYZE still follows, since a partial one leaves the count of changed rows as it was.
GROWING_TABLES = {
    "response": ("id", "uuid"),  # answers' and testimonies' foreign keys; a resend's UUID
    "answer": ("response_id",),
    "testimonial": ("id", "response_id"),  # tags' foreign key
    "theme_tag": ("testimonial_id",),
}
YOUNG_ROWS = 100_000
# A table is analysed again once it has more than twice the pages its statistics were gathered on, and
# at least this many: its size on disk, unlike the counts of changed rows (passed to the catalogue about
# once a second), is known at once, and reading it costs a few system calls.
MIN_PAGES = 8
ANALYSE_LOCK = 0x766F636573  # one session at a time; the others go on without waiting


def analyse_young_tables() -> bool:
    """On PostgreSQL, refresh the statistics of the tables a sync fills while they are young and have
    at least doubled since their statistics were gathered; whether it did. Cheap when it does nothing:
    one read of the catalogue. Runs in the session's transaction, which ANALYZE reads its own rows in,
    and whose later statements are planned again with what it found."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    grown = (
        db.session.execute(
            text(
                "SELECT c.relname FROM pg_class c WHERE c.oid = ANY(CAST(:tables AS regclass[])) "
                "AND c.reltuples < :young "
                "AND pg_relation_size(c.oid) / current_setting('block_size')::integer "
                "> greatest(2 * c.relpages, :least)"
            ),
            {"tables": list(GROWING_TABLES), "young": YOUNG_ROWS, "least": MIN_PAGES},
        )
        .scalars()
        .all()
    )
    if not grown or not db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ANALYSE_LOCK}):
        return False
    columns = [f"{table} ({', '.join(GROWING_TABLES[table])})" for table in sorted(set(grown) & GROWING_TABLES.keys())]
    db.session.execute(text(f"ANALYZE {', '.join(columns)}"))
    return True
