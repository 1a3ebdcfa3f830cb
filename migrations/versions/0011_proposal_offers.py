"""proposal offers: new dates after a "none suits us"; the refused dates kept

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import scheduler.store.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offer', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.alter_column('offer', server_default=None)

    op.create_table('refused_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('offer', sa.Integer(), nullable=False),
    sa.Column('start', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('proposal_id', 'start')
    )
    with op.batch_alter_table('refused_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refused_slot_proposal_id'), ['proposal_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('refused_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refused_slot_proposal_id'))
    op.drop_table('refused_slot')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('offer')
