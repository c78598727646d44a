"""Backups of the SQLite database with its online backup API, and restoring one; PostgreSQL gets pg_dump."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from survey.extensions import db as _db
from survey.models import Site
from survey.services.demo import SITES_FILE


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """An app on a SQLite file, migrated, with the demo sites."""
    application = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'voces.db'}")
    with application.app_context():
        upgrade()
        application.test_cli_runner().invoke(args=["sites", "import", str(SITES_FILE)])
    return application


def site_names(path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM site ORDER BY slug")]


def test_a_backup_restored_brings_the_data_back(sqlite_app, tmp_path):
    live, backup = tmp_path / "voces.db", tmp_path / "backup.db"
    cli = sqlite_app.test_cli_runner()
    with sqlite_app.app_context():
        done = cli.invoke(args=["backup", str(backup)])
        assert done.exit_code == 0, done.output
        before = site_names(live)
        with closing(sqlite3.connect(live)) as connection, connection:
            connection.execute("UPDATE site SET name = 'changed'")
            connection.execute("DELETE FROM site WHERE slug = 'tumaco'")
        assert site_names(live) != before

        refused = cli.invoke(args=["restore", str(backup)])
        assert refused.exit_code == 1 and "--yes" in refused.output and site_names(live) != before

        restored = cli.invoke(args=["restore", str(backup), "--yes"])
        assert restored.exit_code == 0, restored.output
        assert site_names(live) == before
        kept = next(tmp_path.glob("voces.db.before-restore-*"))
        assert "changed" in site_names(kept) and str(kept) in restored.output  # what was replaced is not lost
        assert _db.session.scalars(select(Site)).first().name in before  # the app reads the restored file


def test_a_backup_never_overwrites_a_file(sqlite_app, tmp_path):
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"keep me")
    with sqlite_app.app_context():
        result = sqlite_app.test_cli_runner().invoke(args=["backup", str(existing)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert existing.read_bytes() == b"keep me"


def test_restore_refuses_a_file_that_is_not_a_voces_database(sqlite_app, tmp_path):
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE t (x)")
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello", encoding="utf-8")
    with sqlite_app.app_context():
        cli = sqlite_app.test_cli_runner()
        for path in (other, not_sqlite):
            result = cli.invoke(args=["restore", str(path), "--yes"])
            assert result.exit_code == 1 and "is not a Voces database" in result.output
    assert len(site_names(tmp_path / "voces.db")) == 6


def test_restore_refuses_a_backup_from_a_newer_voces(sqlite_app, tmp_path):
    backup = tmp_path / "backup.db"
    with sqlite_app.app_context():
        cli = sqlite_app.test_cli_runner()
        cli.invoke(args=["backup", str(backup)])
        with closing(sqlite3.connect(backup)) as connection, connection:
            connection.execute("UPDATE alembic_version SET version_num = '9999'")
        result = cli.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 1 and "migration 9999" in result.output


def test_postgresql_is_backed_up_with_pg_dump(make_app, tmp_path):
    application = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://voces:secret@db.internal/voces")
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert "pg_dump --format=custom --file=voces.dump postgresql://voces@db.internal/voces" in result.output
    assert "secret" not in result.output and not (tmp_path / "b").exists()


def test_a_backup_restores_where_no_database_is_yet(sqlite_app, make_app, tmp_path):
    backup = tmp_path / "backup.db"
    with sqlite_app.app_context():
        sqlite_app.test_cli_runner().invoke(args=["backup", str(backup)])
    fresh = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'new.db'}")
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0 and "replaced" not in result.output, result.output
    assert len(site_names(tmp_path / "new.db")) == 6 and not list(tmp_path.glob("new.db.before-restore-*"))
