"""board_windows.filling: a window being filled on PostgreSQL while credits already reach it

Revision ID: 0009_board_window_filling
Revises: 0008_board_windows
"""
from alembic import op
import sqlalchemy as sa

revision = '0009_board_window_filling'
down_revision = '0008_board_windows'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('board_windows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filling', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('board_windows', schema=None) as batch_op:
        batch_op.drop_column('filling')
