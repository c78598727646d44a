"""Start locations: where an interview began, for a form with a start-geopoint row.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 11:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

COLUMNS = ("start_latitude", "start_longitude", "start_altitude", "start_accuracy")


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
