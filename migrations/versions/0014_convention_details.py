"""a convention's commitments, signed document reference and renewal (the workspace's form)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("commitments", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "document_reference", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("renewal", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.drop_column("renewal")
        batch_op.drop_column("document_reference")
        batch_op.drop_column("commitments")
