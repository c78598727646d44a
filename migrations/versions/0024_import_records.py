"""Import records: a queue file imported as a job keeps its records where every worker reads them,
and each record's result once its chunk has stored it.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-10 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("record", sa.Text(), nullable=True),
        sa.Column("uuid", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.Column("receipt_code", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_import_record_job_id_job"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_record")),
        sa.UniqueConstraint("job_id", "position", name="uq_import_record_job_id_position"),
    )


def downgrade():
    op.drop_table("import_record")
