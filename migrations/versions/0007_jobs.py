"""Jobs: long work (reruns of the analysis) cut into chunks that any number of workers share.

A chunk is a range of testimony ids; it is marked done in the same transaction as its results, so a
job survives a worker that stops half-way and no chunk is counted twice.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-09 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column(
            'kind',
            sa.Enum('rerun', 'rerun-all', 'import', 'export', 'retrain', name='jobkind', native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            'status',
            sa.Enum('queued', 'running', 'done', 'failed', name='jobstatus', native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('total_chunks', sa.Integer(), nullable=False),
        sa.Column('done_chunks', sa.Integer(), nullable=False),
        sa.Column('total_items', sa.Integer(), nullable=False),
        sa.Column('done_items', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_job_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    )
    with op.batch_alter_table('job') as batch_op:
        batch_op.create_index(batch_op.f('ix_job_status'), ['status'], unique=False)
    op.create_table(
        'job_chunk',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_by', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_job_chunk_job_id_job'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_chunk')),
        sa.UniqueConstraint('job_id', 'number', name='uq_job_chunk_job_id_number'),
    )
    with op.batch_alter_table('job_chunk') as batch_op:
        batch_op.create_index(batch_op.f('ix_job_chunk_job_id'), ['job_id'], unique=False)


def downgrade():
    with op.batch_alter_table('job_chunk') as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_chunk_job_id'))
    op.drop_table('job_chunk')
    with op.batch_alter_table('job') as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_status'))
    op.drop_table('job')
