"""evidence content destroyed: when and why an image that must not be kept was erased

Revision ID: 37d9f7b113f1
Revises: 8ac07b12cce5
Create Date: 2026-11-24 05:18:16.695982
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "37d9f7b113f1"
down_revision: str | None = "8ac07b12cce5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("content_destroyed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("content_destroyed_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("content_destroyed_reason")
        batch_op.drop_column("content_destroyed_at")
