"""people from the MIS: imports and saved CSV mappings; a pupil's UPN, a contact's MIS id,
preferred names, leavers; a link's parental responsibility, priority, end and the reason
for "no contact"; a pupil's year group and class when added to an incident

Revision ID: 5e0b2d4c9a17
Revises: 7223f73bf90b
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e0b2d4c9a17"
down_revision: str | None = "7223f73bf90b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _who(table: str, updated: bool) -> list[sa.SchemaItem]:
    items: list[sa.SchemaItem] = [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f(f"fk_{table}_created_by_id_app_user")
        ),
    ]
    if updated:
        items += [
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("updated_by_id", sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(
                ["updated_by_id"],
                ["app_user.id"],
                name=op.f(f"fk_{table}_updated_by_id_app_user"),
            ),
        ]
    return items


def upgrade() -> None:
    op.create_table(
        "mis_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("schema_version", sa.Text(), nullable=False),
        sa.Column("source_school", sa.Text(), nullable=False),
        sa.Column("file_date", sa.Text(), nullable=False),
        sa.Column("mapping_name", sa.Text(), nullable=False),
        sa.Column("whole_school", sa.Boolean(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        *_who("mis_import", updated=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mis_import")),
    )
    op.create_table(
        "csv_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        *_who("csv_mapping", updated=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csv_mapping")),
        sa.UniqueConstraint("name", name=op.f("uq_csv_mapping_name")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("upn", sa.String(length=13), nullable=True))
        batch_op.add_column(sa.Column("mis_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("preferred_given_name", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("preferred_family_name", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("mis_import_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_person_mis_import_id_mis_import"),
            "mis_import",
            ["mis_import_id"],
            ["id"],
        )
        batch_op.create_index("ix_person_upn", ["upn"], unique=False)
        batch_op.create_index("ix_person_mis_id", ["mis_id"], unique=False)
    with op.batch_alter_table("parent_child_link", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("no_contact_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("parental_responsibility", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mis_import_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_parent_child_link_mis_import_id_mis_import"),
            "mis_import",
            ["mis_import_id"],
            ["id"],
        )
    with op.batch_alter_table("involvement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year_group_then", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("class_name_then", sa.Text(), nullable=True))
    # What is known of incidents recorded before this: the pupil's year and class now.
    op.execute(
        "UPDATE involvement SET "
        "year_group_then = (SELECT p.year_group FROM person p "
        "WHERE p.id = involvement.person_id AND p.kind = 'pupil'), "
        "class_name_then = (SELECT p.class_name FROM person p "
        "WHERE p.id = involvement.person_id AND p.kind = 'pupil')"
    )


def downgrade() -> None:
    with op.batch_alter_table("involvement", schema=None) as batch_op:
        batch_op.drop_column("class_name_then")
        batch_op.drop_column("year_group_then")
    with op.batch_alter_table("parent_child_link", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_parent_child_link_mis_import_id_mis_import"), type_="foreignkey"
        )
        batch_op.drop_column("ended_on")
        batch_op.drop_column("mis_import_id")
        batch_op.drop_column("priority")
        batch_op.drop_column("parental_responsibility")
        batch_op.drop_column("no_contact_reason")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_mis_id")
        batch_op.drop_index("ix_person_upn")
        batch_op.drop_constraint(
            batch_op.f("fk_person_mis_import_id_mis_import"), type_="foreignkey"
        )
        batch_op.drop_column("left_on")
        batch_op.drop_column("mis_import_id")
        batch_op.drop_column("preferred_family_name")
        batch_op.drop_column("preferred_given_name")
        batch_op.drop_column("mis_id")
        batch_op.drop_column("upn")
    op.drop_table("csv_mapping")
    op.drop_table("mis_import")
