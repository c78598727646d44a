"""Search index: testimonies found by their words without reading every text.

PostgreSQL gets a GIN index on the same to_tsvector('simple', ...) expression the search uses;
SQLite an FTS5 table over the redacted texts, kept in step by triggers (inserts, reruns that
redact again, erasures).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 14:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

SQLITE = [
    "CREATE VIRTUAL TABLE testimonial_fts USING fts5("
    "redacted_text, content='testimonial', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER testimonial_fts_insert AFTER INSERT ON testimonial BEGIN "
    "INSERT INTO testimonial_fts(rowid, redacted_text) VALUES (new.id, new.redacted_text); END",
    "CREATE TRIGGER testimonial_fts_delete AFTER DELETE ON testimonial BEGIN "
    "INSERT INTO testimonial_fts(testimonial_fts, rowid, redacted_text) VALUES ('delete', old.id, old.redacted_text); END",
    "CREATE TRIGGER testimonial_fts_update AFTER UPDATE OF redacted_text ON testimonial BEGIN "
    "INSERT INTO testimonial_fts(testimonial_fts, rowid, redacted_text) VALUES ('delete', old.id, old.redacted_text); "
    "INSERT INTO testimonial_fts(rowid, redacted_text) VALUES (new.id, new.redacted_text); END",
    "INSERT INTO testimonial_fts(testimonial_fts) VALUES ('rebuild')",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("CREATE INDEX ix_testimonial_search ON testimonial USING gin (to_tsvector('simple', redacted_text))")
    elif dialect == 'sqlite':
        for statement in SQLITE:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP INDEX ix_testimonial_search")
    elif dialect == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER testimonial_fts_{trigger}")
        op.execute("DROP TABLE testimonial_fts")
