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
