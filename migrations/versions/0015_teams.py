"""Teams: field workers grouped, and the teams or people who collect each survey.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:00:00

"""
import sqlalchemy as sa
from alembic import op

import survey.models.base

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'team',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('created_at', survey.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
        sa.UniqueConstraint('name', name=op.f('uq_team_name')),
    )
    op.create_table(
        'team_member',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_team_member_team_id_team'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_team_member_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_team_member')),
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_user_id'), ['user_id'], unique=False)
    op.create_table(
        'survey_assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('(team_id IS NULL) <> (user_id IS NULL)', name=op.f('ck_survey_assignment_team_or_user')),
        sa.ForeignKeyConstraint(
            ['survey_id'], ['survey.id'], name=op.f('fk_survey_assignment_survey_id_survey'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_survey_assignment_team_id_team'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_survey_assignment_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_assignment')),
        sa.UniqueConstraint('survey_id', 'team_id', name='uq_survey_assignment_survey_id_team_id'),
        sa.UniqueConstraint('survey_id', 'user_id', name='uq_survey_assignment_survey_id_user_id'),
    )
    with op.batch_alter_table('survey_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_assignment_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_assignment_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('survey_assignment')
    op.drop_table('team_member')
    op.drop_table('team')
