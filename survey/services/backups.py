"""Copies of the database: SQLite's online backup, and the PostgreSQL commands to use instead."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or a restore that cannot be done; nothing was changed."""


def sqlite_file(url: str | URL) -> Path:
    """The file of a SQLite database URL; a PostgreSQL or in-memory database is refused with what to do."""
    url = make_url(url)
    if url.get_backend_name() == "postgresql":
        raise BackupError(
            "this database is PostgreSQL: back it up with pg_dump and restore it with pg_restore "
            f"(pg_dump --format=custom --file=voces.dump {postgres_address(url)}; "
            f"pg_restore --clean --if-exists --dbname={postgres_address(url)} voces.dump)"
        )
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise BackupError(f"only a SQLite file or PostgreSQL can be backed up, not {url.render_as_string()}")
    return Path(url.database)


def postgres_address(url: URL) -> str:
    """The libpq address of a database, without its password (pg_dump asks for it or reads ~/.pgpass)."""
    address = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return address.render_as_string(hide_password=False)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page with its online backup API; writers may keep writing."""
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer)


def schema_revision(path: Path) -> str:
    """The migration a SQLite file of Voces is at; refuse a file that is not one."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is damaged (SQLite's quick_check failed)")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a Voces database ({error})") from None
    if row is None:
        raise BackupError(f"{path} is not a Voces database (no migration recorded)")
    return str(row[0])


def known_revisions() -> set[str]:
    """Every migration this version of Voces ships."""
    scripts = ScriptDirectory(str(files("survey.migrations")))
    return {script.revision for script in scripts.walk_revisions()}


def back_up(url: str | URL, path: str | Path) -> Path:
    """Write a consistent copy of the SQLite database to a new file, while Voces keeps serving."""
    source, target = sqlite_file(url), Path(path)
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file, a backup never overwrites one")
    if not source.is_file():
        raise BackupError(f"there is no database at {source} yet")
    copy_sqlite(source, target)
    schema_revision(target)
    return target


def restore(url: str | URL, path: str | Path) -> Path | None:
    """Replace the SQLite database with a backup, after keeping what it held; return where that went, if anywhere."""
    live, backup = sqlite_file(url), Path(path)
    if not backup.is_file():
        raise BackupError(f"there is no backup at {backup}")
    revision = schema_revision(backup)
    if revision not in known_revisions():
        raise BackupError(f"{backup} is at migration {revision}, which this version of Voces does not know")
    kept = None
    if live.is_file():
        kept = live.with_name(f"{live.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        copy_sqlite(live, kept)
    copy_sqlite(backup, live)  # one transaction: a reader sees the old database or the restored one
    return kept
