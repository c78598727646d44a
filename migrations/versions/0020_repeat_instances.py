"""Repeat instances: an answer says which instance of its repeat it belongs to (0 when asked once).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answer") as batch_op:
        batch_op.add_column(sa.Column("instance", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_constraint("uq_answer_response_id_question", type_="unique")
        batch_op.create_unique_constraint(
            "uq_answer_response_id_question_instance", ["response_id", "question", "instance"]
        )


def downgrade():
    op.execute("DELETE FROM answer WHERE instance > 0")
    with op.batch_alter_table("answer") as batch_op:
        batch_op.drop_constraint("uq_answer_response_id_question_instance", type_="unique")
        batch_op.create_unique_constraint("uq_answer_response_id_question", ["response_id", "question"])
        batch_op.drop_column("instance")
