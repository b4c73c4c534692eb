"""subject access requests and their redaction log

A subject access request (who it is about, who asked and as what, received, due one
calendar month on, any extension and why, answered when, the pack's fingerprint), and the
redaction log of each pack made: every name replaced, kept or item withheld, where and
why. The log is kept here and never sent.

Revision ID: b17d1a6f3c42
Revises: a17c0f5e2b31
Create Date: 2026-12-02 15:41:34
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b17d1a6f3c42"
down_revision: str | None = "a17c0f5e2b31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subject_access_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("requester_name", sa.Text(), nullable=False),
        sa.Column("requester_relationship", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extension_months", sa.Integer(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("pack_sha256", sa.String(length=64), nullable=True),
        sa.Column("pack_pages", sa.Integer(), nullable=True),
        sa.Column("pack_made_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_subject_access_request_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_subject_access_request_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
            name=op.f("fk_subject_access_request_updated_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["app_user.id"],
            name=op.f("fk_subject_access_request_withdrawn_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_request")),
    )
    with op.batch_alter_table("subject_access_request", schema=None) as batch_op:
        batch_op.create_index("ix_subject_access_request_person_id", ["person_id"], unique=False)
        batch_op.create_index(
            "ix_subject_access_request_status_due", ["status", "due_on"], unique=False
        )

    op.create_table(
        "subject_access_redaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("pack_sha256", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("record_table", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("removed", sa.Text(), nullable=False),
        sa.Column("replaced_by", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_subject_access_redaction_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subject_access_request.id"],
            name=op.f("fk_subject_access_redaction_request_id_subject_access_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_redaction")),
    )
    with op.batch_alter_table("subject_access_redaction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_subject_access_redaction_request_id", ["request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subject_access_redaction", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_access_redaction_request_id")

    op.drop_table("subject_access_redaction")
    with op.batch_alter_table("subject_access_request", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_access_request_status_due")
        batch_op.drop_index("ix_subject_access_request_person_id")

    op.drop_table("subject_access_request")
