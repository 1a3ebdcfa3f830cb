"""results and public commitments

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import scheduler.store.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('convention', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('public_text', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True))

    op.create_table('year_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('contracts', sa.Integer(), nullable=False),
    sa.Column('insertion_hours', sa.Float(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('companies', sa.Integer(), nullable=False),
    sa.Column('imported_at', scheduler.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'year')
    )
    with op.batch_alter_table('year_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_year_result_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('year_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_year_result_organisation_id'))

    op.drop_table('year_result')
    with op.batch_alter_table('convention', schema=None) as batch_op:
        batch_op.drop_column('public_text')
        batch_op.drop_column('public')
