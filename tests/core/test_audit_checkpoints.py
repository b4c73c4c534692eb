"""Checkpoints anchor the trail outside the PC: a forger with write access to the log and
the outside copy can rebuild the whole chain with Footprint's own functions, and `verify`
alone then says "intact" — but a checkpoint printed before the forgery (on a governors'
report, or by `footprint audit checkpoint`) proves it rewritten."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from app.cli import main
from app.core import audit
from app.core.actors import SYSTEM
from app.core.audit.chain import entry_content
from app.core.db import Database
from app.core.models import AuditEntry, Incident, User
from app.core.services.accounts import attempt_sign_in, create_first_account
from app.core.services.chronology import add_note
from tests.factories import make_incident

PASSWORD = "river lantern orchard"

Keep = Callable[[dict[str, Any]], bool]
Edit = Callable[[dict[str, Any]], None]


def _checkpoint(database: Database) -> audit.Checkpoint:
    with database.read(SYSTEM) as s:
        checkpoint = audit.current_checkpoint(s)
    assert checkpoint is not None
    return checkpoint


def _verify(database: Database, *checkpoints: audit.Checkpoint) -> audit.Verification:
    with database.read(SYSTEM) as s:
        return audit.verify(s, database.audit_head, checkpoints=checkpoints)


def _forge(database: Database, keep: Keep, edit: Edit) -> None:
    """What someone with the log file, the outside copy and Footprint's code could do:
    drop the triggers, leave out and edit entries, and write the whole chain anew."""
    with database.read(SYSTEM) as s:
        old = [
            {
                "at": e.at,
                "user_id": e.user_id,
                "action": e.action,
                "table_name": e.table_name,
                "record_id": e.record_id,
                "changes": json.loads(e.changes),
            }
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    rows, prev = [], audit.GENESIS
    for number, entry in enumerate((e for e in old if keep(e)), start=1):
        edit(entry)
        changes = audit.canonical(entry["changes"])
        content = entry_content(
            number,
            entry["at"].isoformat(),
            entry["user_id"],
            entry["action"],
            entry["table_name"],
            entry["record_id"],
            changes,
        )
        digest = audit.chain_hash(prev, content)
        rows.append({**entry, "id": number, "changes": changes, "prev_hash": prev, "hash": digest})
        prev = digest
    postgres = database.engine.dialect.name == "postgresql"
    with database.engine.begin() as conn:
        for table in ("audit_entry", "chronology_entry"):
            for action in ("update", "delete"):
                conn.execute(
                    text(
                        f"DROP TRIGGER IF EXISTS {table}_no_{action}"
                        + (f" ON {table}" if postgres else "")
                    )
                )
        conn.execute(text("DELETE FROM audit_entry"))
        conn.execute(insert(AuditEntry), rows)
    if database.audit_head is not None:
        database.audit_head.unlink(missing_ok=True)
        audit.save_head(database.audit_head, rows[-1]["id"], rows[-1]["hash"])


def test_a_changed_summary_and_removed_sign_ins_are_proved_by_an_earlier_checkpoint(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor, summary="Mr Reed's post named the pupil")
        create_first_account(s, "Ada Okafor", "aokafor", PASSWORD)
    for _ in range(4):
        with database.write(actor) as s:
            user, refusal = attempt_sign_in(s, "aokafor", PASSWORD)
            assert refusal is None and user is not None
    printed = _checkpoint(database)  # on the governors' report the clerk keeps
    with database.write(actor) as s:
        add_note(s, actor, incident.id, "Later work")

    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE incident SET summary = 'A post' WHERE id = :id"), {"id": incident.id}
        )

    def edit(entry: dict[str, Any]) -> None:
        if entry["table_name"] == "incident" and "summary" in entry["changes"]:
            entry["changes"]["summary"] = "A post"

    _forge(database, lambda e: e["action"] != "sign-in", edit)
    assert _verify(database).ok  # without a checkpoint the forgery is not seen…
    result = _verify(database, printed)  # …with the clerk's copy it is
    assert not result.ok
    assert f"checkpoint {printed} was printed" in " ".join(result.problems)


def test_a_removed_restricted_allegation_is_proved_by_an_earlier_checkpoint(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        make_incident(s, actor, summary="Allegation about a member of staff", dsl_only=True)
        kept = make_incident(s, actor, summary="Another incident")
    printed = _checkpoint(database)
    with database.read(actor) as s:
        allegation = s.scalar(select(Incident.id).where(Incident.dsl_only.is_(True)))

    def about_the_allegation(entry: dict[str, Any]) -> bool:
        changes: dict[str, Any] = entry["changes"]
        return (entry["table_name"] == "incident" and entry["record_id"] == allegation) or (
            changes.get("incident_id") == allegation
        )

    postgres = database.engine.dialect.name == "postgresql"
    with database.engine.begin() as conn:
        for action in ("update", "delete"):
            conn.execute(
                text(
                    f"DROP TRIGGER chronology_entry_no_{action}"
                    + (" ON chronology_entry" if postgres else "")
                )
            )
        derived = ("incident_search",) if postgres else ()  # the index's row, on PostgreSQL
        for table in ("chronology_entry", "incident_category", *derived):
            conn.execute(text(f"DELETE FROM {table} WHERE incident_id = :id"), {"id": allegation})
        conn.execute(text("DELETE FROM incident WHERE id = :id"), {"id": allegation})
    _forge(database, lambda e: not about_the_allegation(e), lambda e: None)
    assert _verify(database).ok
    result = _verify(database, printed)
    assert not result.ok, f"the forgery went unseen (kept {kept.reference})"


def test_the_command_line_prints_and_checks_a_checkpoint(
    db_url: str, database: Database, actor: User, capsys: pytest.CaptureFixture[str]
) -> None:
    with database.write(actor) as s:
        make_incident(s, actor)
    assert main(["--database", db_url, "audit", "checkpoint"]) == 0
    printed = capsys.readouterr().out.strip().removeprefix("Checkpoint ")
    checkpoint = audit.Checkpoint.parse(printed)
    assert checkpoint == _checkpoint(database)
    assert len(printed.split(":")[1].replace(" ", "")) == 16

    assert main(["--database", db_url, "audit", "verify", "--checkpoint", printed]) == 0
    assert f"It still holds checkpoint {checkpoint}" in capsys.readouterr().out
    wrong = f"{checkpoint.entry_id}:{'0' * 16}"
    assert main(["--database", db_url, "audit", "verify", "--checkpoint", wrong]) == 1
    assert "the trail was rewritten" in capsys.readouterr().err
    assert main(["--database", db_url, "audit", "verify", "--checkpoint", "nonsense"]) == 2
    assert "A checkpoint is the entry number" in capsys.readouterr().err


@pytest.mark.parametrize(
    "typed", ["12:4F3A9C120B7E55D1", " 12 : 4f3a 9c12 0b7e 55d1 ", "12:4f3a-9c12-0b7e-55d1"]
)
def test_a_checkpoint_is_read_however_it_was_copied(typed: str) -> None:
    assert str(audit.Checkpoint.parse(typed)) == "12:4f3a 9c12 0b7e 55d1"
