"""Keep the database's query planner informed: statistics about the tables, refreshed after big changes."""

from __future__ import annotations

import time

from sqlalchemy import Connection, bindparam, text

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


# The tables a sync batch fills, and the size under which a table counts as young: its statistics, if
# gathered when it was nearly empty, lead PostgreSQL to plan the foreign-key and uniqueness checks of
# every insert as for an empty table (seen: a batch of 100 records slowing from 4 to 40 ms as the
# tables filled). Autovacuum analyses them within a minute or so; a first large import is over by then.
GROWING_TABLES = ("response", "answer", "testimonial", "theme_tag")
YOUNG_ROWS = 100_000
MIN_GROWTH = 500  # rows: fewer changes than this never call for fresh statistics
ANALYSE_LOCK = 0x766F636573  # one session at a time; the others go on without waiting
# PostgreSQL passes a session's counts of changed rows to the catalogue about once a second: a process
# looks no more often than that, instead of once a batch.
LOOK_EVERY = 1.0  # seconds
_looked_at = -LOOK_EVERY  # when this process last read the catalogue (time.monotonic)


def analyse_young_tables() -> bool:
    """On PostgreSQL, refresh the statistics of the tables a sync fills while they are young and have
    at least doubled since their statistics were gathered; whether it did. Cheap when it does nothing:
    one read of the catalogue, at most every LOOK_EVERY seconds in a process. Runs in the session's
    transaction, which ANALYZE reads its own rows in."""
    global _looked_at
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    now = time.monotonic()
    if now - _looked_at < LOOK_EVERY:
        return False
    _looked_at = now
    grown = (
        db.session.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
                "WHERE c.relname IN :tables AND c.reltuples < :young "
                "AND s.n_mod_since_analyze > greatest(c.reltuples, :least)"
            ).bindparams(bindparam("tables", expanding=True)),
            {"tables": list(GROWING_TABLES), "young": YOUNG_ROWS, "least": MIN_GROWTH},
        )
        .scalars()
        .all()
    )
    if not grown or not db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ANALYSE_LOCK}):
        return False
    db.session.execute(text(f"ANALYZE {', '.join(sorted(set(grown) & set(GROWING_TABLES)))}"))
    return True
