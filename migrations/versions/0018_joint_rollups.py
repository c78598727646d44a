"""Joint counts: responses per answer to a select-one question and answer to another select question,
per survey version, site and month, so that a cross-tab of the two needs no read of the answers.

The table is filled from the raw rows with the grouped query the application uses
(survey.services.rollups.rebuild_joint_counts), so that a database upgraded with data shows the same cross-tabs.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "joint_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("by_question", sa.String(length=120), nullable=False),
        sa.Column("by_choice", sa.Text(), nullable=False),
        sa.Column("question", sa.String(length=120), nullable=False),
        sa.Column("part", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_joint_count_site_id_site"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_version.id"],
            name=op.f("fk_joint_count_survey_version_id_survey_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_count")),
    )
    with op.batch_alter_table("joint_count") as batch_op:
        batch_op.create_index("ix_joint_count_cell", ["survey_version_id", "site_id", "month"], unique=False)
        batch_op.create_index("ix_joint_count_by", ["survey_version_id", "by_question"], unique=False)
    _fill_counts()


def _fill_counts():
    """Count the joint answers of every stored response, as the application keeps them from now on."""
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT 1 FROM answer LIMIT 1")).first():
        return
    from sqlalchemy.orm import Session

    from survey.extensions import db
    from survey.services.rollups import rebuild_joint_counts

    previous = db.session.registry() if db.session.registry.has() else None
    session = Session(bind=bind)  # the migration's connection, in its transaction
    db.session.registry.set(session)
    try:
        rebuild_joint_counts()
        session.flush()
    finally:
        session.close()  # the migration's transaction goes on: the session joined it, it did not begin it
        if previous is None:
            db.session.registry.clear()
        else:
            db.session.registry.set(previous)


def downgrade():
    with op.batch_alter_table("joint_count") as batch_op:
        batch_op.drop_index("ix_joint_count_by")
        batch_op.drop_index("ix_joint_count_cell")
    op.drop_table("joint_count")
