"""The audit trail raises no false alarm: a save refused half-way, a full disk and a
Footprint killed at random moments while writing all leave `verify` saying "intact"
(the outside copy of the head may be behind, never ahead), and the copy is fsynced."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.core import audit
from app.core.actors import SYSTEM
from app.core.db import Database, create_db_engine
from app.core.errors import ValidationError
from app.core.models import AuditEntry, User
from app.core.services.chronology import add_note
from app.core.services.validation import atomic
from app.core.startup import open_log
from tests.factories import make_incident

ROOT = Path(__file__).resolve().parents[2]
KILLS = 30


def _last(database: Database) -> tuple[int, str]:
    with database.read(SYSTEM) as s:
        row = s.execute(
            select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
        ).one()
    return row[0], row[1]


def _verify(database: Database) -> audit.Verification:
    with database.read(SYSTEM) as s:
        return audit.verify(s, database.audit_head)


def test_a_save_refused_half_way_leaves_the_outside_copy_at_what_was_committed(
    database: Database, actor: User
) -> None:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
    with database.write(actor) as s:
        try:
            with atomic(s):  # a service's savepoint: entries are written, then refused
                make_incident(s, actor, summary="Never saved")
                s.flush()
                raise ValidationError("summary", "Refused.")
        except ValidationError:
            pass
        add_note(s, actor, incident.id, "Saved after the refusal")
    result = _verify(database)
    assert result.ok, result.problems
    if database.audit_head is not None:
        assert audit.load_head(database.audit_head) == _last(database)


def test_a_unit_of_work_rolled_back_after_a_released_savepoint_moves_nothing(
    database: Database, actor: User
) -> None:
    """SQLAlchemy reports a released savepoint as a commit: the copy must wait for the
    outermost one, which here never comes."""
    with database.write(actor) as s:
        make_incident(s, actor)
    before = _last(database)
    with pytest.raises(RuntimeError), database.write(actor) as s:
        with atomic(s):
            make_incident(s, actor, summary="Rolled back with its unit of work")
            s.flush()
        raise RuntimeError("the disk went away")
    assert _last(database) == before
    if database.audit_head is not None:
        assert audit.load_head(database.audit_head) == before
    assert _verify(database).ok


def test_a_full_disk_loses_nothing_and_raises_no_alarm(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the disk-full path is SQLite's (PostgreSQL's server reports its own)")
    log = open_log(db_url)
    with log.database.write(log.user_id) as s:
        actor = s.get(User, log.user_id)
        assert actor is not None
        make_incident(s, actor)
    before = _last(log.database)
    with log.database.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    log.database.dispose()

    engine = create_db_engine(db_url)

    @event.listens_for(engine, "connect")
    def _full(dbapi_connection: object, _record: object) -> None:  # no room for one more page
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")  # type: ignore[attr-defined]

    full = Database(engine)
    # SQLite rolls the whole transaction back on a full disk (the savepoint goes with it).
    with pytest.raises(SQLAlchemyError), full.write(SYSTEM) as s:
        actor = s.get(User, log.user_id)
        assert actor is not None
        for number in range(200):
            make_incident(s, actor, summary=f"Filling the disk {number} " + "x" * 2_000)
            s.flush()
    assert _last(full) == before
    result = _verify(full)
    full.dispose()
    assert result.ok, result.problems


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killing_a_writing_footprint_never_gives_a_false_alarm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'footprint.sqlite3'}"
    open_log(url).database.dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    chance = random.Random(20261202)
    behind = 0
    for kill in range(KILLS):
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.core.crash_writer", url],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready", (
            writer.stderr.read() if writer.stderr else ""
        )
        time.sleep(chance.uniform(0.02, 0.6))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        database = Database(create_db_engine(url))
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            entries = conn.execute(text("SELECT count(*) FROM audit_entry")).scalar()
        result = _verify(database)
        database.dispose()
        assert result.ok, f"kill {kill + 1} of {KILLS} ({entries} entries): {result.problems}"
        behind += bool(result.notes)
    # Then a normal start catches the outside copy up.
    log = open_log(url)
    result = _verify(log.database)
    log.database.dispose()
    assert result.ok and not result.notes, (result.problems, result.notes)
    print(f"\n{KILLS} kills, 0 false alarms; the outside copy was behind after {behind}")


def test_work_saved_while_the_trail_is_checked_raises_no_alarm(
    database: Database, actor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Audit screen checks in the background while the DSL goes on saving."""
    import importlib

    verify_module = importlib.import_module("app.core.audit.fold")  # folds the records

    with database.write(actor) as s:
        make_incident(s, actor)
    replay = verify_module._replay
    other = Database(create_db_engine(database.engine.url))
    saved: list[bool] = []

    def save_meanwhile(*args: object, **kwargs: object) -> None:
        if not saved:  # another window saves while the trail is being read
            with other.write(actor.id) as s:
                acting = s.get(User, actor.id)
                assert acting is not None
                make_incident(s, acting, summary="Saved during the check")
            saved.append(True)
        replay(*args, **kwargs)

    monkeypatch.setattr(verify_module, "_replay", save_meanwhile)
    result = _verify(database)
    other.dispose()
    assert saved and result.ok, result.problems


def test_a_crash_before_the_first_outside_copy_is_written_is_not_tampering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.audit import capture

    url = f"sqlite:///{tmp_path / 'footprint.sqlite3'}"
    head = tmp_path / "footprint.sqlite3.audit-head"
    # A new log's copy names entry 0 before anything is written; then Footprint "dies"
    # after its first commits, before it moves the copy on.
    with monkeypatch.context() as patched:
        patched.setattr(capture, "save_head", lambda *args: None)
        open_log(url).database.dispose()
    assert audit.load_head(head) == (0, audit.GENESIS)
    database = Database(create_db_engine(url))
    result = _verify(database)
    database.dispose()
    assert result.ok and result.notes, result.problems  # behind, said as a note
    log = open_log(url)  # the next start catches up
    assert _verify(log.database).notes == []
    log.database.dispose()
