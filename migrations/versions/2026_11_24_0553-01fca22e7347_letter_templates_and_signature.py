"""letter templates and signature: the school's template versions, who signs letters,
and each letter's subject and page count

Revision ID: 01fca22e7347
Revises: bbbed7832fef
Create Date: 2026-11-24 05:53:37.392346
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "01fca22e7347"
down_revision: str | None = "bbbed7832fef"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letter_template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_key", sa.String(length=60), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_letter_template_version_created_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_template_version")),
    )
    with op.batch_alter_table("letter_template_version", schema=None) as batch_op:
        batch_op.create_index(
            "ix_letter_template_version_key", ["template_key", "id"], unique=False
        )

    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("template_title", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("subject", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("page_count", sa.Integer(), server_default="1", nullable=False)
        )

    with op.batch_alter_table("school_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signatory_title", sa.Text(), server_default="Headteacher", nullable=False)
        )
        batch_op.add_column(sa.Column("signature_image", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("school_settings", schema=None) as batch_op:
        batch_op.drop_column("signature_image")
        batch_op.drop_column("signatory_title")

    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_column("page_count")
        batch_op.drop_column("subject")
        batch_op.drop_column("template_title")

    with op.batch_alter_table("letter_template_version", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_template_version_key")

    op.drop_table("letter_template_version")
