"""`verify` and the baseline read the trail and the records in chunks: memory does not
grow with the trail, tampering in any chunk is still found, and both report progress."""

from __future__ import annotations

import importlib
import itertools
import shutil
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import text

from app.core import audit
from app.core.actors import SYSTEM
from app.core.db import Database, create_db_engine
from app.core.models import User
from app.core.services.chronology import add_note
from app.core.services.users import ensure_default_user
from bench.synthetic import build_synthetic_log, write_full_trail
from tests.conftest import PG_URL
from tests.factories import make_incident

verify_module = importlib.import_module("app.core.audit.verify")
fold = importlib.import_module("app.core.audit.fold")


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks far smaller than the logs below, so every path crosses chunk boundaries."""
    monkeypatch.setattr(verify_module, "CHAIN_CHUNK", 300)
    monkeypatch.setattr(fold, "RECORD_CHUNK", 200)
    monkeypatch.setattr(fold, "SHARD", 500)


def _peak(database: Database) -> tuple[int, audit.Verification]:
    tracemalloc.start()
    try:
        with database.read(SYSTEM) as s:
            result = audit.verify(s, database.audit_head)
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def _log(template_db: str, folder: Path, incidents: int) -> Database:
    """A log of its own (a copy of the migrated template) filled with `incidents`."""
    path = folder / f"log-{incidents}.sqlite3"
    shutil.copyfile(template_db, path)
    database = Database(create_db_engine(f"sqlite:///{path}"))
    with database.write(SYSTEM) as s:
        user_id = ensure_default_user(s).id
    write_full_trail(database, build_synthetic_log(database, user_id, incidents=incidents, seed=3))
    return database


def test_memory_does_not_grow_with_the_trail(
    template_db: str, tmp_path: Path, small_chunks: None
) -> None:
    if PG_URL:
        pytest.skip("two logs of their own are SQLite files")
    peaks, entries = [], []
    for incidents in (200, 2_000):  # about 2,000 and 20,000 entries
        database = _log(template_db, tmp_path, incidents)
        peak, result = _peak(database)
        database.dispose()
        assert result.ok, result.problems
        peaks.append(peak)
        entries.append(result.entries)
    assert entries[1] > 8 * entries[0]
    # Ten times the trail, not ten times the memory (chunks, not the whole trail).
    assert peaks[1] < 2 * peaks[0], peaks


def test_tampering_in_any_chunk_is_found(
    template_db: str, tmp_path: Path, small_chunks: None
) -> None:
    if PG_URL:
        pytest.skip("a log of its own is a SQLite file")
    database = _log(template_db, tmp_path, 300)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE incident SET summary = 'rewritten' WHERE id = 250"))
        conn.execute(text("DELETE FROM escalation WHERE id = 20"))
        conn.execute(
            text(
                "UPDATE incident_category SET created_at = '2020-01-01 00:00:00.000000' "
                "WHERE incident_id = 290"
            )
        )
        conn.execute(
            text(
                "INSERT INTO incident_category (incident_id, category, created_at, created_by_id) "
                "SELECT incident_id, 'praise', created_at, created_by_id FROM incident_category "
                "WHERE incident_id = 5 LIMIT 1"
            )
        )
    with database.read(SYSTEM) as s:
        result = audit.verify(s, database.audit_head)
    database.dispose()
    problems = "\n".join(result.problems)
    assert "incident 250: “summary” differs from the trail" in problems
    assert "escalation 20 is on the trail but not in the log" in problems
    assert "incident_category 290, " in problems and "“created_at” differs" in problems
    assert "incident_category 5, praise is not on the trail" in problems


def test_progress_is_reported_and_the_check_can_be_stopped(
    database: Database, actor: User, small_chunks: None
) -> None:
    with database.write(actor) as s:
        for _ in range(5):
            incident = make_incident(s, actor)
            for n in range(80):
                add_note(s, actor, incident.id, f"Note {n}")
    seen: list[tuple[int, int]] = []
    with database.read(SYSTEM) as s:
        result = audit.verify(s, database.audit_head, progress=lambda *done: seen.append(done))
    assert result.ok, result.problems
    assert len(seen) > 3 and seen[-1][0] == seen[-1][1] > 0
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    with database.read(SYSTEM) as s, pytest.raises(audit.VerifyCancelled):
        audit.verify(s, database.audit_head, cancelled=lambda: True)


def test_the_baseline_is_written_in_chunks_with_progress(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        for _ in range(4):
            make_incident(s, actor)
    seen: list[tuple[int, int]] = []
    with database.engine.begin() as conn:
        written = audit.write_baseline(conn, chunk=2, progress=lambda *done: seen.append(done))
    assert written > 8 and seen[-1] == (written, written)
    assert all(b - a <= 2 for (a, _), (b, _) in itertools.pairwise(seen))


def test_a_unit_of_work_that_is_rolled_back_never_moves_the_outside_copy(
    database: Database, actor: User
) -> None:
    """The bench makes its 100 letters in a read session it rolls back: the copy kept
    outside must stay where the committed trail ends, or every later check fails."""
    head = database.audit_head
    assert head is not None
    with database.write(actor) as s:
        make_incident(s, actor)
    before = audit.load_head(head)
    with database.read(actor) as s:
        for _ in range(3):  # each in a savepoint that is released
            incident = make_incident(s, actor)
            add_note(s, actor, incident.id, "Written, then rolled back")
        s.flush()
    assert audit.load_head(head) == before
    with database.read(SYSTEM) as s:
        result = audit.verify(s, database.audit_head)
    assert result.ok and not result.notes, (result.problems, result.notes)
