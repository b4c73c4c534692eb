"""restricted incidents' case manager, the DSL who is also the headteacher, and approvals
given by them

A restricted incident (an allegation about staff) is seen by the DSL team and its case
manager: the headteacher, or the chair of governors when it concerns the headteacher
(KCSIE Part 4). A small school's DSL may also be its headteacher: a school setting that
lets that account approve exceptions, and each approval it gives says so.

Revision ID: 820bc557e76b
Revises: 9136dc832d0b
Create Date: 2026-12-02 09:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "820bc557e76b"
down_revision: str | None = "9136dc832d0b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_manager_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_incident_case_manager_id_app_user"),
            "app_user",
            ["case_manager_id"],
            ["id"],
        )
    with op.batch_alter_table("school_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dsl_headteacher_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_school_settings_dsl_headteacher_id_app_user"),
            "app_user",
            ["dsl_headteacher_id"],
            ["id"],
        )
    with op.batch_alter_table("contact_exception", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "approved_as_dsl_headteacher",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_exception", schema=None) as batch_op:
        batch_op.drop_column("approved_as_dsl_headteacher")
    with op.batch_alter_table("school_settings", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_school_settings_dsl_headteacher_id_app_user"), type_="foreignkey"
        )
        batch_op.drop_column("dsl_headteacher_id")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_incident_case_manager_id_app_user"), type_="foreignkey"
        )
        batch_op.drop_column("case_manager_id")
