"""report commentary: what the DSL writes for each term's governors' report

Revision ID: 69f9de38a8d4
Revises: 01fca22e7347
Create Date: 2026-11-24 06:07:32.396642
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "69f9de38a8d4"
down_revision: str | None = "01fca22e7347"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_commentary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term_key", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_report_commentary_created_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_commentary")),
    )
    with op.batch_alter_table("report_commentary", schema=None) as batch_op:
        batch_op.create_index("ix_report_commentary_term_key", ["term_key", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_commentary", schema=None) as batch_op:
        batch_op.drop_index("ix_report_commentary_term_key")

    op.drop_table("report_commentary")
