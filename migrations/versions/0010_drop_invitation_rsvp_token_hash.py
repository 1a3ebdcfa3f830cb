"""drop invitation.rsvp_token_hash: RSVP tokens are signed (service/access/signing), never
stored, and nothing wrote or read this column

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_rsvp_token_hash'))
        batch_op.drop_column('rsvp_token_hash')


def downgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'rsvp_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
            )
        )
        batch_op.create_index(
            batch_op.f('ix_invitation_rsvp_token_hash'), ['rsvp_token_hash'], unique=False
        )
