"""Codebook versions, merged codes, and the agreed versions of agreement rounds as coded passages.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:00:00

"""
import sqlalchemy as sa
from alembic import op

import survey.models.base

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'codebook_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('change', sa.String(length=20), nullable=False),
        sa.Column('code_key', sa.String(length=80), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', survey.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['changed_by_id'], ['user.id'], name=op.f('fk_codebook_version_changed_by_id_user'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_codebook_version')),
        sa.UniqueConstraint('number', name=op.f('uq_codebook_version_number')),
    )
    with op.batch_alter_table('code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into', sa.String(length=80), nullable=True))
    with op.batch_alter_table('coded_passage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreed', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('coded_passage', schema=None) as batch_op:
        batch_op.drop_column('agreed')
    with op.batch_alter_table('code', schema=None) as batch_op:
        batch_op.drop_column('merged_into')
    op.drop_table('codebook_version')
