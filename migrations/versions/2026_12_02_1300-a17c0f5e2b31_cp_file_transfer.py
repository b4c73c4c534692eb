"""child protection file transfer: what was sent for a pupil who left, to whom, how, by
whom, its fingerprints, the five-school-day due date and the receipt confirmed

Revision ID: a17c0f5e2b31
Revises: 3f6b8d2a91c4
Create Date: 2026-12-02 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a17c0f5e2b31"
down_revision: str | None = "3f6b8d2a91c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cp_file_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("destination_school", sa.Text(), nullable=False),
        sa.Column("destination_dsl", sa.Text(), nullable=False),
        sa.Column("destination_contact", sa.Text(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("method_note", sa.Text(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("incident_count", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("bundle_sha256", sa.String(length=64), nullable=False),
        sa.Column("contents_sha256", sa.String(length=64), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("receipt_confirmed_on", sa.Date(), nullable=True),
        sa.Column("receipt_confirmed_by", sa.Text(), nullable=False),
        sa.Column("receipt_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["person.id"], name=op.f("fk_cp_file_transfer_pupil_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["app_user.id"], name=op.f("fk_cp_file_transfer_sent_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_cp_file_transfer_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
            name=op.f("fk_cp_file_transfer_updated_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["app_user.id"],
            name=op.f("fk_cp_file_transfer_withdrawn_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cp_file_transfer")),
    )
    op.create_index("ix_cp_file_transfer_pupil_id", "cp_file_transfer", ["pupil_id"])


def downgrade() -> None:
    op.drop_index("ix_cp_file_transfer_pupil_id", table_name="cp_file_transfer")
    op.drop_table("cp_file_transfer")
