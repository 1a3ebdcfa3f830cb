"""workspace: sign-in links, sessions, meeting history, answers by date

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import scheduler.store.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('occurrence_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('start', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('occurrence_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occurrence_history_occurrence_id'), ['occurrence_id'], unique=False)
    # Meetings planned before this table existed: their present state is their first step.
    op.execute(
        "INSERT INTO occurrence_history (occurrence_id, sequence, status, start, at, source) "
        "SELECT id, sequence, status, start, changed_at, 'plan' FROM occurrence"
    )

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_responded_at'), ['responded_at'], unique=False)

    op.create_table('sign_in_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('created_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('sign_in_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_link_email'), ['email'], unique=False)

    op.create_table('workspace_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('created_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('previous_visit_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('workspace_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workspace_session_email'), ['email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('workspace_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workspace_session_email'))
    op.drop_table('workspace_session')
    with op.batch_alter_table('sign_in_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_link_email'))
    op.drop_table('sign_in_link')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_responded_at'))
    with op.batch_alter_table('occurrence_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occurrence_history_occurrence_id'))
    op.drop_table('occurrence_history')
