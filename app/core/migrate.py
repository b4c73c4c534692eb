"""Bringing a database up to this version's schema at start-up, safely."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from app.core.clock import utc_now
from app.core.errors import DatabaseError
from app.resources import migrations_path

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
_PG_MIGRATION_LOCK = 727_001

#: The newest revision under migrations/, known without importing alembic (a quarter of
#: a second at every start): a log at this revision needs nothing from alembic. A test
#: compares it with alembic's own head, so a new revision can't forget it.
HEAD_REVISION = "c17e2b7a4d53"


@dataclass(frozen=True)
class UpgradeResult:
    """What `upgrade_to_head` did: revisions before and after, and any backup taken."""

    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave tables that models don't describe (full-text search and its shadows) alone."""
    return not (type_ == "table" and name is not None and name.startswith("incident_search"))


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write Footprint's column types as the plain types they store, so revisions never
    import app code (which may move on after the revision is written)."""
    if type_ == "type" and type(obj).__module__ == "app.core.models.base":
        impl = obj.impl
        if isinstance(impl, DateTime):
            return f"sa.DateTime(timezone={impl.timezone})"
        return f"sa.String(length={impl.length})"
    return False


def alembic_config() -> Config:
    """alembic's configuration, built in code so it works inside the bundle too."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def head_revision() -> str:
    """The newest schema revision this copy of Footprint knows (alembic's own answer)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine, *, backup_dir: Path | None = None) -> UpgradeResult:
    """Upgrade to head, backing an existing SQLite log up first; refuse a newer database.
    A log already at head (every start but the first after an update) is told by one
    small query, without alembic."""
    if at_head(engine):
        return UpgradeResult(HEAD_REVISION, HEAD_REVISION, None)
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return UpgradeResult(current, head, None)
    if current is None:
        tables = set(inspect(engine).get_table_names())
        if tables - {"alembic_version"}:
            raise DatabaseError(
                "This database already holds tables that are not a Footprint log. "
                "Choose an empty database or an existing Footprint log."
            )
    else:
        try:
            script.get_revision(current)
        except CommandError:
            raise DatabaseError(
                "This log was last used by a newer version of Footprint. Install that "
                "version (or a later one) to open it; nothing in the log has been changed."
            ) from None
    backup = None
    if current is not None and engine.dialect.name == "sqlite":
        backup = backup_sqlite(engine, backup_dir, label=f"before-{head}")
    _run_upgrade(engine)
    log.info("database upgraded from %s to %s", current, head)
    return UpgradeResult(current, head, backup)


def at_head(engine: Engine) -> bool:
    """Whether the log's `alembic_version` names HEAD_REVISION (False when it has none)."""
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return list(versions) == [HEAD_REVISION]
    except DBAPIError:
        return False  # no such table yet: a new log, for alembic to build


def _run_upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        # Pragmas and locks go straight to the driver so that SQLAlchemy doesn't open a
        # transaction around them: alembic must begin (and commit) its own.
        raw = conn.connection.driver_connection
        assert raw is not None
        if sqlite:
            # Batch migrations copy tables; foreign keys are checked once at the end instead.
            raw.execute("PRAGMA foreign_keys=OFF")
        else:
            # Two office PCs starting a new version at once: one migrates, the other waits.
            raw.execute("SELECT pg_advisory_lock(%s)", (_PG_MIGRATION_LOCK,))
            raw.commit()
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, target)
        finally:
            if sqlite:
                problems = raw.execute("PRAGMA foreign_key_check").fetchall()
                raw.execute("PRAGMA foreign_keys=ON")
                if problems:
                    raise DatabaseError("The upgraded log failed its integrity check.")
            else:
                raw.rollback()  # a failed migration leaves an aborted transaction behind
                raw.execute("SELECT pg_advisory_unlock(%s)", (_PG_MIGRATION_LOCK,))
                raw.commit()


def downgrade(engine: Engine, target: str) -> None:
    """Downgrade (developers and tests only; the app never goes back)."""
    from alembic import command

    config = alembic_config()
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, target)


def backup_sqlite(engine: Engine, backup_dir: Path | None, *, label: str) -> Path:
    """A consistent copy of the SQLite file (`VACUUM INTO`, safe while open), made through
    the engine's own connection, so an encrypted log's copy is encrypted with its key."""
    database = engine.url.database
    if not database or database == ":memory:":
        raise DatabaseError("There is no database file to back up.")
    source_path = Path(database)
    folder = backup_dir or source_path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{source_path.stem}-{stamp}-{label}.sqlite3"
    # Private before a byte is written (VACUUM INTO fills an empty file).
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("VACUUM INTO ?", (str(target),))
    return target
