"""The schema comes only from alembic, and the models never drift from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from app.core.db import create_db_engine
from app.core.errors import DatabaseError
from app.core.migrate import (
    alembic_config,
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


def test_start_up_upgrades_an_older_log_after_backing_it_up(tmp_path: Path) -> None:
    if "postgresql" in (url := f"sqlite:///{tmp_path / 'old.sqlite3'}"):
        pytest.skip("file backups are for SQLite")
    engine = create_db_engine(url)
    script = ScriptDirectory.from_config(alembic_config())
    revisions = list(script.walk_revisions())
    if len(revisions) < 2:
        # With a single revision, an "older" log is one stamped at base with data to keep.
        upgrade_to_head(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
        result = upgrade_to_head(engine)
        assert result.backup is None and not result.changed
    else:
        from app.core.migrate import _run_upgrade

        _run_upgrade(engine, revisions[1].revision)
        result = upgrade_to_head(engine)
        assert result.changed and result.backup is not None and result.backup.exists()
    engine.dispose()


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
