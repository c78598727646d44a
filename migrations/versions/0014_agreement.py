"""Agreement rounds: a sample of testimonies coded blind by two or more people, and the lead's decisions.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agreement_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('hide_machine', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('status', sa.Enum('open', 'closed', name='roundstatus', native_enum=False, length=10), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user.id'], name=op.f('fk_agreement_round_created_by_id_user'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['survey_id'], ['survey.id'], name=op.f('fk_agreement_round_survey_id_survey'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_round')),
    )
    with op.batch_alter_table('agreement_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_round_survey_id'), ['survey_id'], unique=False)

    op.create_table(
        'round_coder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['round_id'], ['agreement_round.id'], name=op.f('fk_round_coder_round_id_agreement_round'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_round_coder_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_round_coder')),
        sa.UniqueConstraint('round_id', 'user_id', name='uq_round_coder_round_id_user_id'),
    )
    with op.batch_alter_table('round_coder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_coder_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_coder_user_id'), ['user_id'], unique=False)

    op.create_table(
        'round_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('testimonial_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['round_id'], ['agreement_round.id'], name=op.f('fk_round_item_round_id_agreement_round'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['testimonial_id'], ['testimonial.id'], name=op.f('fk_round_item_testimonial_id_testimonial'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_round_item')),
        sa.UniqueConstraint('round_id', 'testimonial_id', name='uq_round_item_round_id_testimonial_id'),
    )
    with op.batch_alter_table('round_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_item_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_item_testimonial_id'), ['testimonial_id'], unique=False)

    op.create_table(
        'round_done',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('coder_id', sa.Integer(), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['coder_id'], ['user.id'], name=op.f('fk_round_done_coder_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['item_id'], ['round_item.id'], name=op.f('fk_round_done_item_id_round_item'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_round_done')),
        sa.UniqueConstraint('item_id', 'coder_id', name='uq_round_done_item_id_coder_id'),
    )
    with op.batch_alter_table('round_done', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_done_item_id'), ['item_id'], unique=False)

    op.create_table(
        'round_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('code_key', sa.String(length=80), nullable=False),
        sa.Column('present', sa.Boolean(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['user.id'], name=op.f('fk_round_decision_decided_by_id_user'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['item_id'], ['round_item.id'], name=op.f('fk_round_decision_item_id_round_item'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_round_decision')),
        sa.UniqueConstraint('item_id', 'code_key', name='uq_round_decision_item_id_code_key'),
    )
    with op.batch_alter_table('round_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_decision_item_id'), ['item_id'], unique=False)


def downgrade():
    for table in ('round_decision', 'round_done', 'round_item', 'round_coder', 'agreement_round'):
        op.drop_table(table)
