"""Theme terms: an administrator's terms for a theme or sub-theme, in place of the codebook file's.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

import survey.models.base

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "theme_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=80), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", survey.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_theme_terms_changed_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_terms")),
        sa.UniqueConstraint("theme_key", name=op.f("uq_theme_terms_theme_key")),
    )


def downgrade():
    op.drop_table("theme_terms")
