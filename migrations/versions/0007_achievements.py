"""achievements, following and leaderboards: follows, achievement_unlocks, focus_quarters,
focus_totals; users.profile_private and users.on_global_board; focus_sessions.board_seconds

Revision ID: 0007_achievements
Revises: 0007_messages
"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types

revision = '0007_achievements'
down_revision = '0007_messages'  # brief: 0006_accounts; re-chained after merging i-msg (one head)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follows',
    sa.Column('follower_id', sa.Integer(), nullable=False),
    sa.Column('followed_id', sa.Integer(), nullable=False),
    sa.Column('created_at', webapp.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['followed_id'], ['users.id'], name=op.f('fk_follows_followed_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['follower_id'], ['users.id'], name=op.f('fk_follows_follower_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('follower_id', 'followed_id', name=op.f('pk_follows'))
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follows_followed_id'), ['followed_id'], unique=False)

    op.create_table('achievement_unlocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('unlocked_at', webapp.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_achievement_unlocks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievement_unlocks')),
    sa.UniqueConstraint('user_id', 'code', name='uq_achievement_unlocks_user_code')
    )

    op.create_table('focus_quarters',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_focus_quarters_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'quarter', name=op.f('pk_focus_quarters'))
    )

    op.create_table('focus_totals',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=5), nullable=False),
    sa.Column('starts', sa.Date(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_focus_totals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'period', 'starts', name=op.f('pk_focus_totals'))
    )
    with op.batch_alter_table('focus_totals', schema=None) as batch_op:
        batch_op.create_index('ix_focus_totals_board', ['period', 'starts', 'listed', 'seconds'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_private', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('on_global_board', sa.Boolean(), server_default='0', nullable=False))
    with op.batch_alter_table('focus_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_seconds', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('focus_sessions', schema=None) as batch_op:
        batch_op.drop_column('board_seconds')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('on_global_board')
        batch_op.drop_column('profile_private')
    with op.batch_alter_table('focus_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_focus_totals_board')
    op.drop_table('focus_totals')
    op.drop_table('focus_quarters')
    op.drop_table('achievement_unlocks')
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follows_followed_id'))
    op.drop_table('follows')
