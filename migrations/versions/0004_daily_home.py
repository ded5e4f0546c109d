"""users.daily_goal_minutes: the daily focus goal behind Today's ring

Revision ID: 0004_daily_home
Revises: 0003_presence
"""
from alembic import op
import sqlalchemy as sa

revision = '0004_daily_home'
down_revision = '0003_presence'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('daily_goal_minutes', sa.Integer(), server_default='120', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('daily_goal_minutes')
