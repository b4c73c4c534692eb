"""incident live index: the list's count and newest-first page read an index, not the table

The incident list counts the incidents not withdrawn and shows the newest first. Without
this partial index the count read every page of the incident table — on an encrypted log
each page is decrypted and authenticated, so a cold count of 100,000 incidents took
0.11 s against 0.02 s plain; with it, 12 ms against 5 ms.

Revision ID: a7c3e19d54b2
Revises: 5e6a161f8e21
Create Date: 2026-12-02 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c3e19d54b2"
down_revision: str | None = "5e6a161f8e21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("withdrawn_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_incident_live_seen",
        "incident",
        ["seen_at", "id"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_incident_live_seen", table_name="incident")
