"""Alembic migrations through Flask-Migrate; installed as survey.migrations."""
