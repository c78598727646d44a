"""Residents' withdrawal requests, and the testimonies each codebook learned from corrections was trained on.

Codebooks learned before this revision have no record of their training texts (trained_on is
empty): a withdrawal treats them as trained on every testimony corrected before they were learned.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'withdrawal_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=True),
        sa.Column('receipt_digest', sa.String(length=64), nullable=False),
        sa.Column('response_uuid', sa.String(length=36), nullable=False),
        sa.Column(
            'origin',
            sa.Enum('resident', 'administrator', name='withdrawalorigin', native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            'status',
            sa.Enum('pending', 'done', 'declined', name='withdrawalstatus', native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['user.id'], name=op.f('fk_withdrawal_request_decided_by_id_user')
        ),
        sa.ForeignKeyConstraint(
            ['response_id'], ['response.id'], name=op.f('fk_withdrawal_request_response_id_response'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_withdrawal_request')),
        sa.UniqueConstraint('response_id', name=op.f('uq_withdrawal_request_response_id')),
    )
    with op.batch_alter_table('withdrawal_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_withdrawal_request_receipt_digest'), ['receipt_digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawal_request_response_uuid'), ['response_uuid'], unique=False)
        batch_op.create_index(batch_op.f('ix_withdrawal_request_status'), ['status'], unique=False)

    with op.batch_alter_table('learned_model', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trained_on', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('learned_model', schema=None) as batch_op:
        batch_op.drop_column('trained_on')

    with op.batch_alter_table('withdrawal_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_withdrawal_request_status'))
        batch_op.drop_index(batch_op.f('ix_withdrawal_request_response_uuid'))
        batch_op.drop_index(batch_op.f('ix_withdrawal_request_receipt_digest'))

    op.drop_table('withdrawal_request')
