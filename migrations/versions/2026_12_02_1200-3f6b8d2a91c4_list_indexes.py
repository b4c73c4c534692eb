"""list indexes: a page's next action due and overdue flags read covering indexes

The incident list works out each row's next action due and whether it is overdue for the
page's ids only. Without these indexes SQLite answered "this page's open requests" through
the (outcome, deadline) and (status, follow-up) indexes — every pending request and open
escalation in the log, then a sort — so a page cost more the longer the log (8.8 ms at
100,000 incidents). Led by incident_id and holding every column the rule reads, each
page's lookups touch only that page's rows.

Revision ID: 3f6b8d2a91c4
Revises: 5e0b2d4c9a17
Create Date: 2026-12-02 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "3f6b8d2a91c4"
down_revision: str | None = "5e0b2d4c9a17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_deletion_request_incident_open",
        "deletion_request",
        ["incident_id", "outcome", "deadline", "sent_at", "withdrawn_at"],
    )
    op.create_index(
        "ix_escalation_incident_open",
        "escalation",
        [
            "incident_id",
            "status",
            "withdrawn_at",
            "next_follow_up_on",
            "reference_due_on",
            "reference_number",
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_escalation_incident_open", table_name="escalation")
    op.drop_index("ix_deletion_request_incident_open", table_name="deletion_request")
