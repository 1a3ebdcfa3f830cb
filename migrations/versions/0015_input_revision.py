"""the planner's inputs as a revision: a change counter and the last plan's fingerprint

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "input_revision",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(
        table,
        [{"name": "changes", "counter": 0, "value": None}, {"name": "plan", "counter": 0, "value": None}],
    )


def downgrade() -> None:
    op.drop_table("input_revision")
