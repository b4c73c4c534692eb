"""retention and disposal: the school's retention periods, the DSL's decisions, legal
holds and disposal records; an incident's disposal time; and the two places the database
now lets a disposal erase: a disposed incident's timeline entries may be deleted, and an
audit entry's `changes` may be replaced by an erasure marker naming an existing disposal
(nothing else about the entry may change; see docs/architecture.md, "Retention and
disposal")

Revision ID: c17e2b7a4d53
Revises: b17d1a6f3c42
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c17e2b7a4d53"
down_revision: str | None = "b17d1a6f3c42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT_MESSAGE = "audit entries are append-only"
CHRONOLOGY_MESSAGE = "chronology entries are append-only: add an amendment instead"
# The marker is canonical JSON: {"disposal":<id>,"erased":true}.
_MARKER_PREFIX = '{"disposal":'
_MARKER_SUFFIX = ',"erased":true}'
# Everything but `changes` stays as it was, the entry was not erased before, and the
# marker names a disposal that exists (the disposal's own row is written first).
_SAME_ENTRY = (
    "NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id "
    "AND NEW.action = OLD.action AND NEW.table_name = OLD.table_name "
    "AND NEW.record_id IS NOT DISTINCT FROM OLD.record_id "
    "AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash "
    f"AND OLD.changes NOT LIKE '{_MARKER_PREFIX}%{_MARKER_SUFFIX}' "
    "AND EXISTS (SELECT 1 FROM retention_disposal d WHERE NEW.changes = "
    f"'{_MARKER_PREFIX}' || d.id || '{_MARKER_SUFFIX}')"
)


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


def _incident_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["incident_id"], ["incident.id"], name=op.f(f"fk_{table}_incident_id_incident")
    )


def upgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disposed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("school_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "retention_safeguarding_years", sa.Integer(), server_default="25", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "retention_years_after_closing", sa.Integer(), server_default="6", nullable=False
            )
        )
    op.create_table(
        "retention_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        *_who("retention_decision", updated=False),
        _incident_fk("retention_decision"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_decision")),
    )
    op.create_index(
        "ix_retention_decision_incident", "retention_decision", ["incident_id", "id"], unique=False
    )
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("covers_all", sa.Boolean(), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by_id", sa.Integer(), nullable=True),
        sa.Column("lifted_reason", sa.Text(), nullable=False),
        *_who("legal_hold", updated=True),
        sa.ForeignKeyConstraint(
            ["lifted_by_id"], ["app_user.id"], name=op.f("fk_legal_hold_lifted_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold")),
    )
    op.create_table(
        "legal_hold_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        *_who("legal_hold_incident", updated=False),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["legal_hold.id"], name=op.f("fk_legal_hold_incident_hold_id_legal_hold")
        ),
        _incident_fk("legal_hold_incident"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold_incident")),
    )
    op.create_index("ix_legal_hold_incident_hold", "legal_hold_incident", ["hold_id"])
    op.create_index("ix_legal_hold_incident_incident", "legal_hold_incident", ["incident_id"])
    op.create_table(
        "retention_disposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("rule_reason", sa.Text(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        *_who("retention_disposal", updated=False),
        _incident_fk("retention_disposal"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_disposal")),
    )
    op.create_index("ix_retention_disposal_incident", "retention_disposal", ["incident_id"])
    # A disposal deletes timeline entries: each delete looks for amendments pointing at it.
    op.create_index("ix_chronology_entry_amends_id", "chronology_entry", ["amends_id"])
    _erasing_triggers()


def _execute(statement: str) -> None:
    """Run DDL as written: the marker's colons are not bind parameters."""
    op.execute(sa.text(statement.replace(":", "\\:")))


def _erasing_triggers() -> None:
    """The audit trail accepts one kind of UPDATE (an erasure marker); a disposed
    incident's timeline entries may be deleted. Everything else is refused as before."""
    if op.get_bind().dialect.name == "postgresql":
        _execute("DROP TRIGGER audit_entry_no_update ON audit_entry")
        _execute(
            "CREATE FUNCTION audit_entry_erase_only() RETURNS trigger AS $$ BEGIN "
            f"IF {_SAME_ENTRY} THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{AUDIT_MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        _execute(
            "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_erase_only()"
        )
        _execute("DROP TRIGGER chronology_entry_no_delete ON chronology_entry")
        _execute(
            "CREATE FUNCTION chronology_entry_disposed_only() RETURNS trigger AS $$ BEGIN "
            "IF (SELECT disposed_at FROM incident WHERE id = OLD.incident_id) IS NOT NULL "
            "THEN RETURN OLD; END IF; "
            f"RAISE EXCEPTION '{CHRONOLOGY_MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        _execute(
            "CREATE TRIGGER chronology_entry_no_delete BEFORE DELETE ON chronology_entry "
            "FOR EACH ROW EXECUTE FUNCTION chronology_entry_disposed_only()"
        )
        return
    same = _SAME_ENTRY.replace("IS NOT DISTINCT FROM", "IS")  # SQLite's spelling
    _execute("DROP TRIGGER audit_entry_no_update")
    _execute(
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        f"WHEN NOT ({same}) BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END"
    )
    _execute("DROP TRIGGER chronology_entry_no_delete")
    _execute(
        "CREATE TRIGGER chronology_entry_no_delete BEFORE DELETE ON chronology_entry "
        "WHEN (SELECT disposed_at FROM incident WHERE id = OLD.incident_id) IS NULL "
        f"BEGIN SELECT RAISE(ABORT, '{CHRONOLOGY_MESSAGE}'); END"
    )


def _append_only_triggers() -> None:
    """The triggers as they were before this revision."""
    if op.get_bind().dialect.name == "postgresql":
        _execute("DROP TRIGGER audit_entry_no_update ON audit_entry")
        _execute("DROP FUNCTION audit_entry_erase_only()")
        _execute(
            "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
        _execute("DROP TRIGGER chronology_entry_no_delete ON chronology_entry")
        _execute("DROP FUNCTION chronology_entry_disposed_only()")
        _execute(
            "CREATE TRIGGER chronology_entry_no_delete BEFORE DELETE ON chronology_entry "
            "FOR EACH ROW EXECUTE FUNCTION chronology_entry_append_only()"
        )
        return
    _execute("DROP TRIGGER audit_entry_no_update")
    _execute(
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        f"BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END"
    )
    _execute("DROP TRIGGER chronology_entry_no_delete")
    _execute(
        "CREATE TRIGGER chronology_entry_no_delete BEFORE DELETE ON chronology_entry "
        f"BEGIN SELECT RAISE(ABORT, '{CHRONOLOGY_MESSAGE}'); END"
    )


def downgrade() -> None:
    _append_only_triggers()
    op.drop_index("ix_chronology_entry_amends_id", table_name="chronology_entry")
    op.drop_index("ix_retention_disposal_incident", table_name="retention_disposal")
    op.drop_table("retention_disposal")
    op.drop_index("ix_legal_hold_incident_incident", table_name="legal_hold_incident")
    op.drop_index("ix_legal_hold_incident_hold", table_name="legal_hold_incident")
    op.drop_table("legal_hold_incident")
    op.drop_table("legal_hold")
    op.drop_index("ix_retention_decision_incident", table_name="retention_decision")
    op.drop_table("retention_decision")
    with op.batch_alter_table("school_settings", schema=None) as batch_op:
        batch_op.drop_column("retention_years_after_closing")
        batch_op.drop_column("retention_safeguarding_years")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("disposed_at")
