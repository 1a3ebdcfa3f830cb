"""answers, counter proposals, mailbox status

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import scheduler.store.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mailbox_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('checked_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ok_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failing_since', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('mailbox')
    )
    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('partstat', sa.String(length=20), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('answered_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=250), nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_invitation_id'), ['invitation_id'], unique=False)

    op.create_table('counter_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('start', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('proposed_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=250), nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('counter_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_proposal_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counter_proposal_received_at'), ['received_at'], unique=False)

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('answer_source')

    with op.batch_alter_table('counter_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_proposal_received_at'))
        batch_op.drop_index(batch_op.f('ix_counter_proposal_invitation_id'))

    op.drop_table('counter_proposal')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_invitation_id'))

    op.drop_table('answer')
    op.drop_table('mailbox_status')
