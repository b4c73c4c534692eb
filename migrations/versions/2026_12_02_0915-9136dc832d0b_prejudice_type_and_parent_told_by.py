"""prejudice type and who told the parents: two columns on the incident

A prejudice-based incident records what the prejudice was directed at (racist, religious,
homophobic, transphobic, disability, sexist) for the governors' analysis; and who told
the pupil's parents is recorded beside whether and when they were told.

Revision ID: 9136dc832d0b
Revises: 13c106f28e60
Create Date: 2026-12-02 09:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9136dc832d0b"
down_revision: str | None = "13c106f28e60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("incident", sa.Column("prejudice_type", sa.String(length=40), nullable=True))
    op.add_column(
        "incident", sa.Column("parent_informed_by", sa.Text(), server_default="", nullable=False)
    )


def downgrade() -> None:
    # SQLite 3.35 and newer drop a column in place (no table rebuild).
    op.drop_column("incident", "parent_informed_by")
    op.drop_column("incident", "prejudice_type")
