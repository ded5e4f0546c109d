"""who focused with whom, kept as phases close: focus_partners, shared_rooms (filled from the
history); focus_sessions indexed by (room_id, end_time) instead of room_id alone

Revision ID: 0010_together
Revises: 0009_board_window_filling
"""
from alembic import op
import sqlalchemy as sa

revision = '0010_together'
down_revision = '0009_board_window_filling'
branch_labels = None
depends_on = None


def upgrade():
    # The backfill and every closing room record find a phase's others through this index.
    op.create_index('ix_focus_sessions_room_end', 'focus_sessions', ['room_id', 'end_time'], unique=False)
    op.drop_index('ix_focus_sessions_room_id', table_name='focus_sessions')
    op.create_table('focus_partners',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['users.id'], name=op.f('fk_focus_partners_partner_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_focus_partners_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'partner_id', name=op.f('pk_focus_partners'))
    )
    op.create_index(op.f('ix_focus_partners_partner_id'), 'focus_partners', ['partner_id'], unique=False)
    op.create_table('shared_rooms',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_shared_rooms_room_id_rooms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_shared_rooms_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'room_id', name=op.f('pk_shared_rooms'))
    )
    op.create_index(op.f('ix_shared_rooms_room_id'), 'shared_rooms', ['room_id'], unique=False)
    # The facts the history already holds, set-based (the same function the tests prove equal to
    # the read-time join, and the benchmark's build runs).
    from webapp.achievements.together import rebuild
    rebuild(op.get_bind())


def downgrade():
    op.drop_index(op.f('ix_shared_rooms_room_id'), table_name='shared_rooms')
    op.drop_table('shared_rooms')
    op.drop_index(op.f('ix_focus_partners_partner_id'), table_name='focus_partners')
    op.drop_table('focus_partners')
    op.create_index('ix_focus_sessions_room_id', 'focus_sessions', ['room_id'], unique=False)
    op.drop_index('ix_focus_sessions_room_end', table_name='focus_sessions')
