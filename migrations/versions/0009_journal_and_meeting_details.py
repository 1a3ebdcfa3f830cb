"""journal of changes by hand; a meeting's own description, place and video link;
walk-ins and headcount

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import scheduler.store.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('journal_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('before', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('after', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entry_occurrence_id'), ['occurrence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('walk_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('recorded_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('walk_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_in_occurrence_id'), ['occurrence_id'], unique=False)
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headcount', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True))
        batch_op.add_column(sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True))
        batch_op.add_column(sa.Column('video_url', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.drop_column('video_url')
        batch_op.drop_column('location')
        batch_op.drop_column('description')
        batch_op.drop_column('headcount')
    with op.batch_alter_table('walk_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_in_occurrence_id'))
    op.drop_table('walk_in')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_occurrence_id'))
    op.drop_table('journal_entry')
