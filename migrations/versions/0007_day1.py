"""solo Pomodoro: remembered solo lengths (solo_preferences), an intention and a check-in per session

Revision ID: 0007_solo_pomodoro
Revises: 0006_accounts
"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types

revision = '0007_solo_pomodoro'
down_revision = '0006_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('solo_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('work_minutes', sa.Integer(), nullable=False),
    sa.Column('short_break_minutes', sa.Integer(), nullable=False),
    sa.Column('long_break_minutes', sa.Integer(), nullable=False),
    sa.Column('long_break_every', sa.Integer(), nullable=False),
    sa.Column('rounds', sa.Integer(), nullable=False),
    sa.Column('auto_start_breaks', sa.Boolean(), nullable=False),
    sa.Column('auto_start_work', sa.Boolean(), nullable=False),
    sa.Column('updated_at', webapp.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_solo_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_solo_preferences'))
    )
    with op.batch_alter_table('focus_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intention', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('checkin', sa.String(length=8), nullable=True))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intention', sa.String(length=120), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('intention')
    with op.batch_alter_table('focus_sessions', schema=None) as batch_op:
        batch_op.drop_column('checkin')
        batch_op.drop_column('intention')
    op.drop_table('solo_preferences')
