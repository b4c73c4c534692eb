"""Reference numbers under concurrent writers, and the engine's connection rules."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from app.core.actors import SYSTEM
from app.core.db import Database, create_db_engine, normalise_url, refuse_network_path
from app.core.errors import DatabaseError
from app.core.models import User
from app.core.services.users import get_user
from tests.factories import make_incident

WRITERS = 4
EACH = 10


def test_two_writers_at_once_never_share_a_reference(db_url: str, actor: User) -> None:
    # Separate engines stand for separate office PCs (or two windows on one PC).
    databases = [Database(create_db_engine(db_url)) for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def write(db: Database) -> None:
        try:
            start.wait()
            for _ in range(EACH):
                with db.write(SYSTEM) as s:
                    ref = make_incident(s, get_user(s, actor.id)).reference
                with lock:
                    references.append(ref)
        except BaseException as exc:  # reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for db in databases:
        db.dispose()
    assert errors == []
    assert len(references) == WRITERS * EACH
    assert len(set(references)) == WRITERS * EACH
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(1, WRITERS * EACH + 1))  # no gaps either


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000
    engine.dispose()


def test_the_data_folder_is_created_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "log.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    assert path.exists()


@pytest.mark.parametrize(
    "path",
    [r"\\school-server\dsl\footprint.sqlite3", "//school-server/dsl/footprint.sqlite3"],
)
def test_sqlite_on_a_network_share_is_refused(path: str) -> None:
    with pytest.raises(DatabaseError, match="PostgreSQL"):
        refuse_network_path(path)
    with pytest.raises(DatabaseError, match="network share"):
        create_db_engine(f"sqlite:///{path}")


def test_urls_choose_psycopg_and_refuse_other_databases() -> None:
    assert normalise_url("postgresql://dsl@db/footprint").drivername == "postgresql+psycopg"
    with pytest.raises(DatabaseError, match="SQLite or PostgreSQL"):
        normalise_url("mysql://root@db/footprint")
    with pytest.raises(DatabaseError, match="not valid"):
        normalise_url("this is not a url")


def test_the_environment_variable_chooses_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from app.core.db import default_database_url

    monkeypatch.setenv("FOOTPRINT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert default_database_url().endswith("x.sqlite3")
    monkeypatch.delenv("FOOTPRINT_DATABASE_URL")
    assert default_database_url().endswith("footprint.sqlite3")


def test_two_pcs_saving_one_incident_at_once_get_a_conflict_not_a_crash(
    db_url: str, actor: User
) -> None:
    from dataclasses import replace

    from app.core.errors import Conflict
    from app.core.services.incidents import details_of, update_incident
    from app.core.services.lookups import get_incident
    from app.core.vocab import Severity

    setup = Database(create_db_engine(db_url))
    with setup.write(SYSTEM) as s:
        incident = make_incident(s, get_user(s, actor.id))
        incident_id, version = incident.id, incident.version
        details = details_of(incident)
    setup.dispose()
    pcs = [Database(create_db_engine(db_url)) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(db: Database, severity: Severity) -> None:
        try:
            with db.write(SYSTEM) as s:
                get_incident(s, incident_id)  # both read the same version…
                # …then both save. (On SQLite the other PC is already queued behind this
                # one, so the barrier times out.)
                with contextlib.suppress(threading.BrokenBarrierError):
                    start.wait(timeout=1)
                update_incident(
                    s,
                    get_user(s, actor.id),
                    incident_id,
                    replace(details, severity=severity),
                    expected_version=version,
                )
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")
        except BaseException as exc:  # anything else is the bug this test is about
            outcomes.append(f"error: {type(exc).__name__}")

    threads = [
        threading.Thread(target=save, args=(db, sev))
        for db, sev in zip(pcs, (Severity.HIGH, Severity.LOW), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for db in pcs:
        db.dispose()
    # On SQLite the second writer waits for the first (BEGIN IMMEDIATE) and the barrier
    # times out; on PostgreSQL both reach the UPDATE. Either way: one save, no crash.
    assert outcomes.count("saved") == 1, outcomes
    assert all(o in ("saved", "conflict") or o == "error: BrokenBarrierError" for o in outcomes), (
        outcomes
    )
