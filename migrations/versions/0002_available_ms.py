"""focus_sessions.available_ms: the part of a work phase a person could have focused in

Revision ID: 0002_available_ms
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002_available_ms'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('focus_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('available_ms', sa.BigInteger(), nullable=True))
    # Solo sessions ended before their target were recorded as "abandoned" by the API and
    # "completed" by the page; both now read "ended_early" (rules/session_status.py).
    op.execute("UPDATE focus_sessions SET status = 'ended_early' WHERE status = 'abandoned' "
               "AND room_id IS NULL")


def downgrade():
    op.execute("UPDATE focus_sessions SET status = 'abandoned' WHERE status = 'ended_early'")
    with op.batch_alter_table('focus_sessions', schema=None) as batch_op:
        batch_op.drop_column('available_ms')
