"""everyone board in the viewer's window: board_windows, window_totals; focus_quarters indexed by
quarter; focus_totals loses `listed` and its board index (the everyone board no longer reads it)

Revision ID: 0008_board_windows
Revises: 0007_offline
"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types

revision = '0008_board_windows'
down_revision = '0007_offline'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=5), nullable=False),
    sa.Column('first_quarter', sa.Integer(), nullable=False),
    sa.Column('after_quarter', sa.Integer(), nullable=False),
    sa.Column('created_at', webapp.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_windows')),
    sa.UniqueConstraint('period', 'first_quarter', 'after_quarter', name='uq_board_windows_span')
    )
    op.create_table('window_totals',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['window_id'], ['board_windows.id'], name=op.f('fk_window_totals_window_id_board_windows'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_window_totals_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('window_id', 'user_id', name=op.f('pk_window_totals'))
    )
    with op.batch_alter_table('window_totals', schema=None) as batch_op:
        batch_op.create_index('ix_window_totals_board', ['window_id', 'seconds'], unique=False)
    with op.batch_alter_table('focus_quarters', schema=None) as batch_op:
        batch_op.create_index('ix_focus_quarters_quarter', ['quarter'], unique=False)
    with op.batch_alter_table('focus_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_focus_totals_board')
        batch_op.drop_column('listed')


def downgrade():
    with op.batch_alter_table('focus_totals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_index('ix_focus_totals_board', ['period', 'starts', 'listed', 'seconds'], unique=False)
    with op.batch_alter_table('focus_quarters', schema=None) as batch_op:
        batch_op.drop_index('ix_focus_quarters_quarter')
    with op.batch_alter_table('window_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_window_totals_board')
    op.drop_table('window_totals')
    op.drop_table('board_windows')
