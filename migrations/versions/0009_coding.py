"""Coding: codes the team adds to the codebook, codes people apply to passages of testimonies, and memos.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:00:00

"""
import sqlalchemy as sa
from alembic import op

import survey.models.base

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('label_en', sa.String(length=120), nullable=False),
        sa.Column('label_es', sa.String(length=120), nullable=False),
        sa.Column('definition_en', sa.Text(), nullable=False),
        sa.Column('definition_es', sa.Text(), nullable=False),
        sa.Column('when_to_use_en', sa.Text(), nullable=False),
        sa.Column('when_to_use_es', sa.Text(), nullable=False),
        sa.Column('when_not_en', sa.Text(), nullable=False),
        sa.Column('when_not_es', sa.Text(), nullable=False),
        sa.Column('example_en', sa.Text(), nullable=False),
        sa.Column('example_es', sa.Text(), nullable=False),
        sa.Column('parent_theme', sa.String(length=80), nullable=True),
        sa.Column('retired', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', survey.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_code_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_code')),
        sa.UniqueConstraint('key', name=op.f('uq_code_key')),
    )
    op.create_table(
        'coded_passage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('testimonial_id', sa.Integer(), nullable=False),
        sa.Column('code_key', sa.String(length=80), nullable=False),
        sa.Column('start_offset', sa.Integer(), nullable=False),
        sa.Column('end_offset', sa.Integer(), nullable=False),
        sa.Column('coder_id', sa.Integer(), nullable=True),
        sa.Column('created_at', survey.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['coder_id'], ['user.id'], name=op.f('fk_coded_passage_coder_id_user'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['testimonial_id'], ['testimonial.id'], name=op.f('fk_coded_passage_testimonial_id_testimonial'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_coded_passage')),
    )
    with op.batch_alter_table('coded_passage') as batch_op:
        batch_op.create_index(batch_op.f('ix_coded_passage_code_key'), ['code_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_coded_passage_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coded_passage_testimonial_id'), ['testimonial_id'], unique=False)
    op.create_table(
        'memo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('testimonial_id', sa.Integer(), nullable=True),
        sa.Column('passage_id', sa.Integer(), nullable=True),
        sa.Column('code_key', sa.String(length=80), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', survey.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', survey.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_memo_author_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(
            ['passage_id'], ['coded_passage.id'], name=op.f('fk_memo_passage_id_coded_passage'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_memo_survey_id_survey'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['testimonial_id'], ['testimonial.id'], name=op.f('fk_memo_testimonial_id_testimonial'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_memo')),
    )
    with op.batch_alter_table('memo') as batch_op:
        batch_op.create_index(batch_op.f('ix_memo_passage_id'), ['passage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memo_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memo_testimonial_id'), ['testimonial_id'], unique=False)


def downgrade():
    with op.batch_alter_table('memo') as batch_op:
        batch_op.drop_index(batch_op.f('ix_memo_testimonial_id'))
        batch_op.drop_index(batch_op.f('ix_memo_survey_id'))
        batch_op.drop_index(batch_op.f('ix_memo_passage_id'))
    op.drop_table('memo')
    with op.batch_alter_table('coded_passage') as batch_op:
        batch_op.drop_index(batch_op.f('ix_coded_passage_testimonial_id'))
        batch_op.drop_index(batch_op.f('ix_coded_passage_coder_id'))
        batch_op.drop_index(batch_op.f('ix_coded_passage_code_key'))
    op.drop_table('coded_passage')
    op.drop_table('code')
