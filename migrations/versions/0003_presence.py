"""web_processes and open_sockets: which process holds which room socket

Revision ID: 0003_presence
Revises: 0002_available_ms
"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types

revision = '0003_presence'
down_revision = '0002_available_ms'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('web_processes',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('started_at', webapp.models.types.UTCDateTime(), nullable=False),
    sa.Column('seen_at', webapp.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_processes'))
    )
    with op.batch_alter_table('web_processes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_processes_seen_at'), ['seen_at'], unique=False)

    op.create_table('open_sockets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=120), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', webapp.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                            name=op.f('fk_open_sockets_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_sockets'))
    )
    with op.batch_alter_table('open_sockets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open_sockets_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_open_sockets_process_id'), ['process_id'], unique=False)
    # Counts from before this release have no socket rows, so nothing would ever count them out.
    op.execute("UPDATE participants SET connections = 0")


def downgrade():
    with op.batch_alter_table('open_sockets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open_sockets_process_id'))
        batch_op.drop_index(batch_op.f('ix_open_sockets_participant_id'))
    op.drop_table('open_sockets')
    with op.batch_alter_table('web_processes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_processes_seen_at'))
    op.drop_table('web_processes')
