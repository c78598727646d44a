"""Accounts: a session token that cookies carry instead of the user id, so logging out can end them,
a flag that makes someone given a temporary password choose their own, and the count of failed
logins that locks an account.

Each existing account gets its own random token; cookies issued before this revision carried the id
and stop working, so everyone logs in once more.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String(64)))


def upgrade():
    with op.batch_alter_table('user') as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_failed_login_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unlocked_at', sa.DateTime(timezone=True), nullable=True))
    connection = op.get_bind()
    for user_id in connection.execute(sa.select(user.c.id)).scalars().all():
        connection.execute(
            user.update().where(user.c.id == user_id).values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table('user') as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index('ix_user_session_token', ['session_token'], unique=True)


def downgrade():
    with op.batch_alter_table('user') as batch_op:
        batch_op.drop_index('ix_user_session_token')
        batch_op.drop_column('unlocked_at')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('last_failed_login_at')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_token')
