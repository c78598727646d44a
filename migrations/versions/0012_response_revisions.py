"""Response revisions: the answers a tablet's edit replaced, kept as history.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'response_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('replaced_uuid', sa.String(length=36), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['response_id'],
            ['response.id'],
            name=op.f('fk_response_revision_response_id_response'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['replaced_by_id'], ['user.id'], name=op.f('fk_response_revision_replaced_by_id_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_response_revision')),
        sa.UniqueConstraint('replaced_uuid', name=op.f('uq_response_revision_replaced_uuid')),
    )
    with op.batch_alter_table('response_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_revision_response_id'), ['response_id'], unique=False)


def downgrade():
    with op.batch_alter_table('response_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_revision_response_id'))
    op.drop_table('response_revision')
