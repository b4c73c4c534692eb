"""The schema comes only from alembic, and the models never drift from it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from app.core.actors import SYSTEM
from app.core.db import create_db_engine
from app.core.errors import DatabaseError
from app.core.migrate import (
    HEAD_REVISION,
    alembic_config,
    at_head,
    current_revision,
    downgrade,
    head_revision,
    include_object,
    upgrade_to_head,
)
from app.core.models import Base
from app.core.startup import open_log


def test_upgrade_downgrade_upgrade_round_trip(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    result = upgrade_to_head(engine)
    assert result.from_revision is None and result.to_revision == head_revision()
    assert result.backup is None  # nothing to back up in a new log
    assert {"incident", "person", "chronology_entry"} <= set(inspect(engine).get_table_names())
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    engine = create_db_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_revision_chain_is_linear_and_named_by_date() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    for revision in script.walk_revisions():
        down = revision.down_revision
        assert down is None or isinstance(down, str), f"{revision.revision} is a merge point"
        filename = Path(revision.path).name
        assert filename[:4].isdigit() and filename[4] == "_", f"{filename} is not dated"


def test_start_up_backs_up_an_older_sqlite_log_before_upgrading(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE marker (note TEXT)"))
        conn.execute(text("INSERT INTO marker VALUES ('kept in the backup')"))
    older = [r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
    downgrade(engine, older[1])  # one step back: a log from the previous version
    result = upgrade_to_head(engine, backup_dir=tmp_path / "backups")
    engine.dispose()
    assert result.changed and result.from_revision == older[1]
    assert result.to_revision == head_revision()
    assert result.backup is not None and result.backup.parent == tmp_path / "backups"
    copy = sqlite3.connect(result.backup)
    assert copy.execute("SELECT note FROM marker").fetchall() == [("kept in the backup",)]
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()


def test_a_log_from_a_newer_version_is_refused_and_left_alone(db_url: str) -> None:
    engine = create_db_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    with pytest.raises(DatabaseError, match="newer version of Footprint"):
        open_log(db_url)
    assert current_revision(engine) == "ffffffffffff"
    engine.dispose()


def test_a_database_of_something_else_is_refused(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY)"))
    with pytest.raises(DatabaseError, match="not a Footprint log"):
        upgrade_to_head(engine)
    engine.dispose()


def test_the_search_revision_indexes_incidents_already_in_the_log(empty_db_url: str) -> None:
    from datetime import UTC, datetime

    from app.core.migrate import _run_upgrade
    from app.core.services.incident_queries import IncidentFilter, find_incidents
    from app.core.vocab import Platform, Severity, UserRole

    engine = create_db_engine(empty_db_url)
    _run_upgrade(engine, "9c41b904bfe3")  # the schema before search existed
    # Rows written with that schema as it was (reflected), not with today's models.
    with engine.begin() as conn:
        user_id = _insert_old(
            conn, "app_user", username="dsl", display_name="DSL", role=UserRole.DSL.value
        )
        _insert_old(
            conn,
            "incident",
            reference="SM-2025-0007",
            seen_at=datetime(2025, 5, 1, tzinfo=UTC),
            platform=Platform.MUMSNET.value,
            summary="Thread naming the head of Year 5",
            severity=Severity.LOW.value,
            status="new",
            created_by_id=user_id,
        )
    engine.dispose()
    log = open_log(empty_db_url)  # upgrades, then builds the index for what is there
    with log.database.read(SYSTEM) as s:
        found = find_incidents(s, IncidentFilter(text="mumsnet thread"))
        assert found == []  # the platform isn't part of the text…
        found = find_incidents(s, IncidentFilter(text="thread head"))
        assert [r.reference for r in found] == ["SM-2025-0007"]
    log.database.dispose()


def test_the_person_revision_folds_names_already_in_the_log(empty_db_url: str) -> None:
    from app.core.migrate import _run_upgrade

    engine = create_db_engine(empty_db_url)
    _run_upgrade(engine, "0a35056603bd")  # just before person.search_name
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO app_user (id, username, display_name, role, is_active, "
                "created_at) VALUES (1, 'dsl', 'DSL', 'dsl', true, '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO person (id, kind, given_name, family_name, title, address, postcode, "
                "email, phone, job_title, notes, created_at, created_by_id, version) VALUES "
                "(1, 'parent', 'Łukasz', 'O''Brien-Şahin', '', '', '', '', '', '', '', "
                "'2026-01-01', 1, 1)"
            )
        )
    upgrade_to_head(engine)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT search_name FROM person WHERE id = 1")).scalar_one()
    engine.dispose()
    assert stored == " lukasz o brien sahin"  # as the service folded names then


def _insert_old(conn: Connection, table_name: str, **values: object) -> int:
    """Insert into a table as the database has it now (reflected), filling any other
    required column with a plain value; returns the new id."""
    from datetime import UTC, datetime

    from sqlalchemy import Boolean, DateTime, Integer, MetaData, Table

    table = Table(table_name, MetaData(), autoload_with=conn)
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        if isinstance(column.type, Boolean):
            values[column.name] = False
        elif isinstance(column.type, Integer):
            values[column.name] = 1
        elif isinstance(column.type, DateTime):
            values[column.name] = datetime(2025, 5, 1, tzinfo=UTC)
        else:
            values[column.name] = ""
    result = conn.execute(table.insert().values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def test_the_trail_revision_puts_what_an_older_log_holds_on_the_trail(empty_db_url: str) -> None:
    """The baseline is written by the revision that brings the trail, and only there."""
    from sqlalchemy import select

    from app.core.audit import verify
    from app.core.migrate import _run_upgrade
    from app.core.models import AuditEntry
    from app.core.vocab import UserRole

    engine = create_db_engine(empty_db_url)
    _run_upgrade(engine, "69f9de38a8d4")  # the schema before the trail
    with engine.begin() as conn:
        user_id = _insert_old(
            conn, "app_user", username="dsl", display_name="DSL", role=UserRole.DSL.value
        )
    engine.dispose()
    log = open_log(empty_db_url)
    with log.database.read(SYSTEM) as s:
        first = s.scalars(select(AuditEntry).order_by(AuditEntry.id).limit(1)).one()
        baselines = s.scalars(select(AuditEntry).where(AuditEntry.action == "baseline")).all()
        result = verify(s, log.database.audit_head)
    log.database.dispose()
    assert (first.table_name, first.record_id, first.action) == ("app_user", user_id, "baseline")
    assert [(e.table_name, e.record_id) for e in baselines] == [("app_user", user_id)]
    assert result.ok, result.problems


def test_the_head_known_without_alembic_is_alembics_head() -> None:
    """Start-up checks the log against HEAD_REVISION without importing alembic: a new
    revision must move it too."""
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_a_log_at_head_is_told_without_alembic(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    assert not at_head(engine)  # a new log: no alembic_version yet
    upgrade_to_head(engine)
    assert at_head(engine)
    result = upgrade_to_head(engine)
    assert not result.changed and result.backup is None
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    assert not at_head(engine)
