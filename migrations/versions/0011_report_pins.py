"""Report pins: the testimonies an evaluator pinned to a theme of a survey's printable report.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

import survey.models.base

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_pin',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('testimonial_id', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=80), nullable=False),
        sa.Column('pinned_by_id', sa.Integer(), nullable=True),
        sa.Column('pinned_at', survey.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['pinned_by_id'], ['user.id'], name=op.f('fk_report_pin_pinned_by_id_user'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['survey_id'], ['survey.id'], name=op.f('fk_report_pin_survey_id_survey'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['testimonial_id'], ['testimonial.id'], name=op.f('fk_report_pin_testimonial_id_testimonial'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_pin')),
        sa.UniqueConstraint('testimonial_id', 'theme', name='uq_report_pin_testimonial_id_theme'),
    )
    with op.batch_alter_table('report_pin') as batch_op:
        batch_op.create_index(batch_op.f('ix_report_pin_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_pin') as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_pin_survey_id'))
    op.drop_table('report_pin')
