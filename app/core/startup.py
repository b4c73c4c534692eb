"""Opening a log at start-up: connect, upgrade the schema if needed, make the first user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Engine, inspect, select
from sqlalchemy.exc import DBAPIError

from app.core.actors import SYSTEM
from app.core.audit import GENESIS
from app.core.audit.head import reset_head
from app.core.db import Database, create_db_engine, default_database_url, normalise_url
from app.core.errors import DatabaseError, NoLog
from app.core.migrate import UpgradeResult, upgrade_to_head
from app.core.models import AuditEntry
from app.core.services import search_index
from app.core.services.terms import ensure_default_terms
from app.core.services.users import ensure_default_user


@dataclass(frozen=True)
class OpenedLog:
    """A database ready to use, what the upgrade did, and the user acting until accounts."""

    database: Database
    upgrade: UpgradeResult
    user_id: int


def open_log(url: str | URL | None = None, *, create: bool = True) -> OpenedLog:
    """Open and upgrade the log; DatabaseError with a plain reason if not. A new log is
    created where none is only when `create` (the window's first run, `demo`); commands
    that work on a school's records pass False and get NoLog instead."""
    if not create:
        refuse_missing_log(url)
    engine = create_db_engine(url)
    try:
        had_trail = trail_has_entries(engine)  # before the upgrade that may start it
        database = Database(engine)
        start_outside_copy(database, had_trail)
        upgrade = upgrade_to_head(engine)
        with database.write(SYSTEM) as session:
            user = ensure_default_user(session)
            ensure_default_terms(session, user)
            search_index.ensure_built(session)
            user_id = user.id
        database.recorder.follow_head()  # this PC's copy follows every PC's work
    except DBAPIError as exc:  # OperationalError, or DatabaseError for a damaged file
        engine.dispose()
        raise DatabaseError(explain_operational_error(exc)) from None
    except BaseException:
        engine.dispose()
        raise
    return OpenedLog(database, upgrade, user_id)


def refuse_missing_log(url: str | URL | None = None) -> None:
    """NoLog when `url` names a SQLite file that does not exist (or is empty, which SQLite
    would take for a new log): a mistyped address must not start an empty log."""
    parsed = normalise_url(url if url is not None else default_database_url())
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    try:
        empty = path.stat().st_size == 0 and not Path(f"{path}-wal").exists()
    except FileNotFoundError:
        raise NoLog(
            f"There is no log at {path}. Check the --database address (or "
            "FOOTPRINT_DATABASE_URL); nothing was created."
        ) from None
    except OSError as exc:
        raise DatabaseError(f"Footprint can't look at {path} ({exc.strerror}).") from None
    if empty:
        raise NoLog(f"The file {path} is empty, so there is no log in it to use.")


def trail_has_entries(engine: Engine) -> bool:
    """Whether the log already has an audit trail with entries in it."""
    if "audit_entry" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as connection:
        return connection.scalar(select(AuditEntry.id).limit(1)) is not None


def start_outside_copy(database: Database, had_trail: bool) -> None:
    """The copy of the trail's head is there from before the first entry: a log without
    a trail gets one naming entry 0 (so a crash before the first copy is written leaves it
    behind, never missing). Missing beside a SQLite log whose trail has entries, it was
    removed (or the log moved without it): that is for `verify` to report, so it is not
    silently made anew. A PostgreSQL log's copy is per PC; a PC's first start makes its
    own."""
    head = database.audit_head
    if head is None or head.exists():
        return
    if not had_trail:
        reset_head(head, 0, GENESIS)
    elif database.is_sqlite:
        database.recorder.keeps_head = False


def explain_operational_error(exc: DBAPIError) -> str:
    """A sentence for the DSL about why the database could not be used (no personal data)."""
    text = str(exc.orig).lower()
    if "locked" in text or "busy" in text:
        return (
            "The log is busy: another copy of Footprint (or a backup program) is using it. "
            "Wait a moment and try again."
        )
    if "readonly" in text or "read-only" in text:
        return (
            "Footprint can't write to the log: the file or its folder is read-only. Check "
            "that you may change both (or copy the log to a folder you can write to). "
            "Nothing was changed."
        )
    if "unable to open" in text:
        return (
            "Footprint can't open the log file: check the folder exists and that you may "
            "read and write both it and the file."
        )
    if "disk is full" in text or "no space" in text:
        return "The disk holding the log is full: free some space, then try again."
    if "disk i/o" in text:
        return (
            "The computer could not read or write the log file (a disk error). Check the "
            "disk is connected and working, then try again."
        )
    if "not a database" in text:
        return (
            "That file is not a Footprint log, or is too damaged to read. Check the "
            "--database address, or restore the latest backup from the backups folder "
            "beside the log."
        )
    if "malformed" in text or "corrupt" in text:
        return (
            "The log file is damaged (perhaps cut short or partly overwritten). Restore the "
            "latest backup from the backups folder beside it."
        )
    if "no such table" in text or "no such column" in text:
        return (
            "The file could not be read as a Footprint log of this version: check the "
            "--database address, or open it in Footprint once so that it is upgraded."
        )
    if "connection" in text or "could not connect" in text or "password" in text:
        return "Footprint can't reach the PostgreSQL server: check the address, user and password."
    return "The log could not be used (the database reported an error)."
