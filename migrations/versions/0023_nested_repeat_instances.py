"""Nested repeat instances: an answer names the instance of the outer repeat its own instance is in.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 20:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    # Every existing answer is asked once or in a repeat not inside another: its parent is "".
    with op.batch_alter_table("answer") as batch_op:
        batch_op.add_column(sa.Column("parent_instance", sa.String(length=100), server_default="", nullable=False))
        batch_op.drop_constraint("uq_answer_response_id_question_instance", type_="unique")
        batch_op.create_unique_constraint(
            "uq_answer_response_id_question_instance", ["response_id", "question", "parent_instance", "instance"]
        )


def downgrade():
    op.execute("DELETE FROM answer WHERE parent_instance <> ''")
    with op.batch_alter_table("answer") as batch_op:
        batch_op.drop_constraint("uq_answer_response_id_question_instance", type_="unique")
        batch_op.create_unique_constraint(
            "uq_answer_response_id_question_instance", ["response_id", "question", "instance"]
        )
        batch_op.drop_column("parent_instance")
