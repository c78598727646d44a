"""Redundant indexes dropped: each was the first column of another index on its table, which serves
every lookup it served, while every stored response and testimony paid for writing it.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 16:55:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# index, table, column; the index that covers it: ix_response_site_submitted (site_id, submitted_at),
# ix_response_version_submitted (survey_version_id, submitted_at), uq_testimonial_response_id_question
DROPPED = (
    ("ix_response_site_id", "response", "site_id"),
    ("ix_response_survey_version_id", "response", "survey_version_id"),
    ("ix_testimonial_response_id", "testimonial", "response_id"),
)


def upgrade():
    for index, table, _ in DROPPED:
        op.drop_index(index, table_name=table)


def downgrade():
    for index, table, column in DROPPED:
        op.create_index(index, table, [column], unique=False)
