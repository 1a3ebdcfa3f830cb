"""outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import scheduler.store.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=True),
    sa.Column('convention_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('facilitator_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('recipient_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=True),
    sa.Column('due_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_try_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
    sa.Column('unsubscribe_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('lease_expires_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.ForeignKeyConstraint(['convention_id'], ['convention.id'], ),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key'),
    sa.UniqueConstraint('unsubscribe_token')
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_claim', ['state', 'next_try_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_convention_id'), ['convention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_occurrence_id'), ['occurrence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_recipient'), ['recipient'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_recipient'))
        batch_op.drop_index(batch_op.f('ix_message_occurrence_id'))
        batch_op.drop_index(batch_op.f('ix_message_kind'))
        batch_op.drop_index(batch_op.f('ix_message_convention_id'))
        batch_op.drop_index(batch_op.f('ix_message_contact_id'))
        batch_op.drop_index('ix_message_claim')

    op.drop_table('message')
