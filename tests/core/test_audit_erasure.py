"""The trail after a disposal: the database lets a disposal erase an entry's values and
nothing else, and `audit verify` refuses an entry erased without a disposal that vouches
for it, a vouched hash or kept field edited afterwards, and an edited vouching entry."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from app.core import audit
from app.core.actors import SYSTEM
from app.core.audit.erasure import marker
from app.core.db import Database
from app.core.models import AuditEntry, User
from app.core.services.disposal import dispose_of_incident
from tests.core.retention_scene import Scene, build_scene


@pytest.fixture
def disposed(database: Database, actor: User) -> Scene:
    scene = build_scene(database, actor)
    with database.write(actor) as s:
        dispose_of_incident(s, actor, scene.disposed_id)
    return scene


def _problems(database: Database) -> list[str]:
    with database.read(SYSTEM) as s:
        return audit.verify(s, database.audit_head).problems


def _sql(database: Database, statement: str, **values: object) -> None:
    with database.engine.begin() as conn:
        conn.execute(text(statement), values)


def _drop_update_trigger(database: Database) -> None:
    """What someone with the file and a SQL tool could do."""
    pg = database.engine.dialect.name == "postgresql"
    _sql(database, "DROP TRIGGER audit_entry_no_update" + (" ON audit_entry" if pg else ""))


def _erased(database: Database) -> list[AuditEntry]:
    with database.read(SYSTEM) as s:
        return list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.changes.like('{"disposal":%,"erased":true}'))
                .order_by(AuditEntry.id)
            )
        )


def _kept_entry(database: Database, scene: Scene) -> AuditEntry:
    """An entry about a record the disposal kept (the other incident)."""
    with database.read(SYSTEM) as s:
        return s.scalars(
            select(AuditEntry).where(
                AuditEntry.table_name == "incident", AuditEntry.record_id == scene.kept_id
            )
        ).first()  # type: ignore[return-value]


def test_the_trail_verifies_after_a_disposal(database: Database, disposed: Scene) -> None:
    assert _problems(database) == []


def test_the_database_refuses_any_other_change_to_an_entry(
    database: Database, disposed: Scene
) -> None:
    entry = _kept_entry(database, disposed)
    for statement, values in (
        ("UPDATE audit_entry SET changes = '{}' WHERE id = :id", {}),
        ("UPDATE audit_entry SET changes = :m WHERE id = :id", {"m": marker(99)}),  # no such
        ("UPDATE audit_entry SET user_id = 999 WHERE id = :id", {}),
        ("DELETE FROM audit_entry WHERE id = :id", {}),
    ):
        with pytest.raises(SQLDatabaseError, match="append-only"):
            _sql(database, statement, id=entry.id, **values)
    erased = _erased(database)[0]
    with pytest.raises(SQLDatabaseError, match="append-only"):  # not even by the marker
        _sql(
            database,
            "UPDATE audit_entry SET changes = :m WHERE id = :id",
            id=erased.id,
            m=marker(1).replace('"erased":true', '"erased": true'),
        )
    assert _problems(database) == []


def test_an_entry_erased_without_a_disposal_vouching_for_it_fails_verify(
    database: Database, disposed: Scene
) -> None:
    entry = _kept_entry(database, disposed)
    # The trigger lets a marker naming a real disposal through; verify is what catches it,
    # twice: the chain (nothing vouches for it) and the record (its state is unknown).
    _sql(
        database,
        "UPDATE audit_entry SET changes = :m WHERE table_name = 'incident' AND record_id = :id",
        id=disposed.kept_id,
        m=marker(1),
    )
    problems = _problems(database)
    assert any(
        f"Entry {entry.id} was erased, but no disposal on the trail vouches for it" in p
        for p in problems
    ), problems
    assert any(
        f"incident {disposed.kept_id}: its entries on the trail were erased" in p for p in problems
    ), problems


def test_an_erased_entry_edited_afterwards_fails_verify(
    database: Database, disposed: Scene
) -> None:
    first, second = _erased(database)[:2]
    _drop_update_trigger(database)
    _sql(database, "UPDATE audit_entry SET user_id = 4242 WHERE id = :id", id=first.id)
    _sql(database, "UPDATE audit_entry SET hash = :h WHERE id = :id", id=second.id, h="0" * 64)
    problems = _problems(database)
    assert any(f"Entry {first.id} is not as disposal 1 left it" in p for p in problems), problems
    assert any(f"Entry {second.id} is not as disposal 1 left it" in p for p in problems), problems
    assert any(f"Entry {second.id + 1} does not follow on" in p for p in problems), problems


def test_an_edited_vouching_entry_fails_verify(database: Database, disposed: Scene) -> None:
    with database.read(SYSTEM) as s:
        vouching = s.scalars(select(AuditEntry).where(AuditEntry.action == "erasure")).one()
    changes = json.loads(vouching.changes)
    dropped = sorted(changes["entries"], key=int)[0]
    del changes["entries"][dropped]
    _drop_update_trigger(database)
    _sql(
        database,
        "UPDATE audit_entry SET changes = :c WHERE id = :id",
        id=vouching.id,
        c=audit.canonical(changes),
    )
    problems = _problems(database)
    assert f"Entry {vouching.id} has been altered since it was written." in problems
    assert any(f"Entry {dropped} was erased, but no disposal" in p for p in problems), problems
