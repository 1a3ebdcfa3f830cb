"""proposals: the dates a buyer may choose its meeting from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:25:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import scheduler.store.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('deadline', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('chosen_by', sa.Integer(), nullable=True),
    sa.Column('none_suits_message', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('none_suits_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('none_suits_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['chosen_by'], ['contact.id'], ),
    sa.ForeignKeyConstraint(['none_suits_by'], ['contact.id'], ),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('occurrence_id')
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_state'), ['state'], unique=False)

    op.create_table('proposal_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('start', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('proposal_id', 'start')
    )
    with op.batch_alter_table('proposal_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_slot_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_slot_start'), ['start'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('proposal_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_slot_start'))
        batch_op.drop_index(batch_op.f('ix_proposal_slot_proposal_id'))
    op.drop_table('proposal_slot')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_state'))
    op.drop_table('proposal')
