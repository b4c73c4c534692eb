"""letters a headteacher signs: a request's neutral description of the post, a parent's
"no contact" flag, who else may sign, postal delivery days, platforms' minimum ages

Revision ID: 7223f73bf90b
Revises: 820bc557e76b
Create Date: 2026-12-02 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7223f73bf90b"
down_revision: str | None = "820bc557e76b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deletion_request", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("post_description", sa.Text(), server_default="", nullable=False)
        )
    with op.batch_alter_table("parent_child_link", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("no_contact", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("school_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deputy_name", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column(
                "deputy_title", sa.Text(), server_default="Deputy Headteacher", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("chair_of_governors_name", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("postal_delivery_days", sa.Integer(), server_default="3", nullable=False)
        )
    op.create_table(
        "platform_minimum_age",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_platform_minimum_age_created_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
            name=op.f("fk_platform_minimum_age_updated_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_minimum_age")),
        sa.UniqueConstraint("platform", name=op.f("uq_platform_minimum_age_platform")),
    )


def downgrade() -> None:
    op.drop_table("platform_minimum_age")
    with op.batch_alter_table("school_settings", schema=None) as batch_op:
        batch_op.drop_column("postal_delivery_days")
        batch_op.drop_column("chair_of_governors_name")
        batch_op.drop_column("deputy_title")
        batch_op.drop_column("deputy_name")
    with op.batch_alter_table("parent_child_link", schema=None) as batch_op:
        batch_op.drop_column("no_contact")
    with op.batch_alter_table("deletion_request", schema=None) as batch_op:
        batch_op.drop_column("post_description")
