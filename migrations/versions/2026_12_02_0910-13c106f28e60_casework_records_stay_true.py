"""casework records stay true: superseded requests, escalation notes, references later

A request made moot by another request's removal points at that request
(`superseded_by_id`) and keeps its own outcome; what the DSL notes when escalating is
kept apart from the outcome (`notes`); an escalation recorded before its reference is
known carries the day a reminder to add it falls due (`reference_due_on`).

Revision ID: 13c106f28e60
Revises: a7c3e19d54b2
Create Date: 2026-12-02 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "13c106f28e60"
down_revision: str | None = "a7c3e19d54b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deletion_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_deletion_request_superseded_by_id_deletion_request"),
            "deletion_request",
            ["superseded_by_id"],
            ["id"],
        )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("reference_due_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_column("reference_due_on")
        batch_op.drop_column("notes")
    with op.batch_alter_table("deletion_request", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_deletion_request_superseded_by_id_deletion_request"), type_="foreignkey"
        )
        batch_op.drop_column("superseded_by_id")
