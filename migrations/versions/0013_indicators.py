"""Indicators: other evidence (homicides, clinic visits...) per site and month, beside the voices.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'indicator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=80), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('unit', sa.String(length=60), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('combine', sa.Enum('sum', 'mean', name='combine', native_enum=False, length=10), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
        sa.UniqueConstraint('code', name=op.f('uq_indicator_code')),
    )
    op.create_table(
        'indicator_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_value_indicator_id_indicator'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_indicator_value_site_id_site'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value')),
        sa.UniqueConstraint(
            'indicator_id', 'site_id', 'month', name='uq_indicator_value_indicator_id_site_id_month'
        ),
    )
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_value_site_id'), ['site_id'], unique=False)


def downgrade():
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_value_site_id'))
    op.drop_table('indicator_value')
    op.drop_table('indicator')
