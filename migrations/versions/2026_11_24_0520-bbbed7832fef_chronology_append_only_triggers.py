"""chronology append-only triggers: the database itself refuses to change or delete an
entry, whatever program or SQL tries (the ORM check stays as a first line).

Revision ID: bbbed7832fef
Revises: 37d9f7b113f1
Create Date: 2026-11-24 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "bbbed7832fef"
down_revision: str | None = "37d9f7b113f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "chronology entries are append-only: add an amendment instead"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION chronology_entry_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER chronology_entry_no_{action.lower()} BEFORE {action} "
                "ON chronology_entry FOR EACH ROW EXECUTE FUNCTION chronology_entry_append_only()"
            )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER chronology_entry_no_{action.lower()} BEFORE {action} "
                f"ON chronology_entry BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    for action in ("update", "delete"):
        op.execute(
            f"DROP TRIGGER chronology_entry_no_{action} ON chronology_entry"
            if op.get_bind().dialect.name == "postgresql"
            else f"DROP TRIGGER chronology_entry_no_{action}"
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION chronology_entry_append_only()")
