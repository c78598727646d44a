"""The schema comes from the migrations: one head, and upgrading an empty database gives the models."""

from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from survey import create_app
from survey.extensions import db
from survey.models import Base


def test_single_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_of_an_empty_database_matches_the_models(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/empty.db"
    if os.environ.get("TEST_DATABASE_URL"):
        # the suite's database already holds the schema; check a fresh schema in its own namespace
        url = _fresh_postgres_database(url)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = set(inspect(connection).get_table_names())
        db.engine.dispose()
    assert diff == []
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def _fresh_postgres_database(url: str) -> str:
    base, _, _name = url.rpartition("/")
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("DROP DATABASE IF EXISTS voces_migrations_check")
        connection.exec_driver_sql("CREATE DATABASE voces_migrations_check")
    engine.dispose()
    return f"{base}/voces_migrations_check"
