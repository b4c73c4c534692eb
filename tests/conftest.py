"""Test set-up: offscreen Qt, and a fresh database for every test (SQLite, or PostgreSQL
when FOOTPRINT_TEST_DATABASE_URL names a server the tests may create databases on)."""

from __future__ import annotations

import os

from app.core.actors import SYSTEM

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt
# The per-PC files Footprint keeps (the audit trail's outside copy for a PostgreSQL log)
# go to a throwaway folder, never the tester's own data folder.
os.environ["XDG_DATA_HOME"] = __import__("tempfile").mkdtemp(prefix="footprint-test-data-")

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, make_url, text

from app.core import clock
from app.core.db import Database, create_db_engine
from app.core.migrate import upgrade_to_head
from app.core.models import User
from app.core.services.users import ensure_default_user

PG_URL = os.environ.get("FOOTPRINT_TEST_DATABASE_URL", "").strip()
_counter = itertools.count()


def _pg_admin_url() -> URL:
    url = make_url(PG_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _pg_execute(sql: str) -> None:
    engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database that each test copies (much faster than migrating)."""
    if PG_URL:
        name = f"footprint_tpl_{os.getpid()}"
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}"')
        _pg_execute(f'CREATE DATABASE "{name}"')
        engine = create_db_engine(_pg_admin_url().set(database=name))
        upgrade_to_head(engine)
        engine.dispose()
        yield name
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        engine = create_db_engine(f"sqlite:///{path}")
        upgrade_to_head(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        yield str(path)


@pytest.fixture
def db_url(template_db: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for this test."""
    if PG_URL:
        name = f"footprint_test_{os.getpid()}_{next(_counter)}"
        _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
        yield _pg_admin_url().set(database=name).render_as_string(hide_password=False)
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "footprint.sqlite3"
        shutil.copyfile(template_db, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def empty_db_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (for migration tests)."""
    if PG_URL:
        name = f"footprint_empty_{os.getpid()}_{next(_counter)}"
        _pg_execute(f'CREATE DATABASE "{name}"')
        yield _pg_admin_url().set(database=name).render_as_string(hide_password=False)
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """The test's database, opened as the app opens it."""
    db = Database(create_db_engine(db_url))
    yield db
    db.dispose()


@pytest.fixture
def actor(database: Database) -> User:
    """The first-run DSL user every write is recorded against."""
    with database.write(SYSTEM) as session:
        return ensure_default_user(session)


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    """Tests that inject a clock can't leak it into the next test."""
    yield
    clock.set_clock(None)
