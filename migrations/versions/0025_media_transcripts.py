"""Media transcripts: a recording links to the testimony that holds what an administrator typed out of it.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-11 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transcript_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_media_file_transcript_id_testimonial"),
            "testimonial",
            ["transcript_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_media_file_transcript_id_testimonial"), type_="foreignkey")
        batch_op.drop_column("transcript_id")
