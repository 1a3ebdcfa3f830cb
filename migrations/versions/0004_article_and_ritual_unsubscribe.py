"""organisation article, contact unsubscribed rituals

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('article', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True)
        )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'unsubscribed_rituals',
                sqlmodel.sql.sqltypes.AutoString(length=400),
                nullable=False,
                server_default='',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('unsubscribed_rituals')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('article')
