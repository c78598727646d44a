"""Rollups: the summary's counts kept per survey version, site and month; whether each tag counts
after corrections, stored on the tag; indexes on responses by version, site and time.

The counts are filled from the raw rows here, with the same grouped queries the application uses
(survey.services.rollups.rebuild_rollups), so that a database upgraded with data shows the same summary.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Whether a tag counts, as survey.models.tag_rule defines it when this revision was written: a person's
# "yes" counts; a machine's tag counts unless a person decided on the same theme, or said "no" to a
# theme it is a sub-theme of.
COUNTS = """
UPDATE theme_tag SET counts = CASE
  WHEN source = 'human' THEN confidence > 0
  ELSE NOT EXISTS (
    SELECT 1 FROM theme_tag AS person
    WHERE person.testimonial_id = theme_tag.testimonial_id AND person.source = 'human'
      AND (person.theme = theme_tag.theme
           OR (substr(theme_tag.theme, 1, length(person.theme) + 1) = person.theme || '.' AND person.confidence <= 0))
  )
END
"""


def upgrade():
    with op.batch_alter_table('theme_tag') as batch_op:
        batch_op.add_column(sa.Column('counts', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute(COUNTS)
    with op.batch_alter_table('response') as batch_op:
        batch_op.create_index('ix_response_version_submitted', ['survey_version_id', 'submitted_at'], unique=False)
        batch_op.create_index(
            'ix_response_version_site_submitted', ['survey_version_id', 'site_id', 'submitted_at'], unique=False
        )
    op.create_table(
        'summary_count',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_version_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('statistic', sa.String(length=120), nullable=False),
        sa.Column('part', sa.Text(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('polarity_sum', sa.Float(), nullable=False),
        sa.Column('polarity_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['site_id'], ['site.id'], name=op.f('fk_summary_count_site_id_site'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['survey_version_id'],
            ['survey_version.id'],
            name=op.f('fk_summary_count_survey_version_id_survey_version'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_count')),
    )
    with op.batch_alter_table('summary_count') as batch_op:
        batch_op.create_index('ix_summary_count_cell', ['survey_version_id', 'site_id', 'month'], unique=False)
    _fill_counts()


def _fill_counts():
    """Count the summary of every stored response, as the application keeps it from now on."""
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT 1 FROM response LIMIT 1")).first():
        return
    from sqlalchemy.orm import Session

    from survey.extensions import db
    from survey.services.rollups import rebuild_rollups

    previous = db.session.registry() if db.session.registry.has() else None
    session = Session(bind=bind)  # the migration's connection, in its transaction
    db.session.registry.set(session)
    try:
        rebuild_rollups(joint=False, orders=False)  # the joint counts and the list's orders come later
        session.flush()
    finally:
        session.close()  # the migration's transaction goes on: the session joined it, it did not begin it
        if previous is None:
            db.session.registry.clear()
        else:
            db.session.registry.set(previous)


def downgrade():
    with op.batch_alter_table('summary_count') as batch_op:
        batch_op.drop_index('ix_summary_count_cell')
    op.drop_table('summary_count')
    with op.batch_alter_table('response') as batch_op:
        batch_op.drop_index('ix_response_version_site_submitted')
        batch_op.drop_index('ix_response_version_submitted')
    with op.batch_alter_table('theme_tag') as batch_op:
        batch_op.drop_column('counts')
