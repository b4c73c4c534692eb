"""Opening a log at start-up: connect, upgrade the schema if needed, make the first user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.core import audit
from app.core.db import Database, create_db_engine, default_database_url, normalise_url
from app.core.errors import DatabaseError, NoLog
from app.core.migrate import UpgradeResult, upgrade_to_head
from app.core.models import AuditEntry, User
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
        upgrade = upgrade_to_head(engine)
        database = Database(engine)
        with database.write() as session:
            # Before anything else is written: a log from before the trail is put on it
            # as it stands.
            ensure_audited(session, database.audit_head)
            user = ensure_default_user(session)
            ensure_default_terms(session, user)
            search_index.ensure_built(session)
            user_id = user.id
        if database.audit_head is not None:  # this PC's copy follows every PC's work
            with database.read() as session:
                last = session.execute(
                    select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
                ).first()
            if last is not None:
                audit.save_head(database.audit_head, last[0], last[1])
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


def ensure_audited(session: Session, head_file: Path | None) -> None:
    """A log from before the audit trail: put what it holds on the trail once, as a
    baseline, so that later changes can be checked against it. Never when a trail was
    kept for this log (its outside copy exists): an emptied trail is for `verify` to
    report, not to paper over."""
    if session.scalar(select(AuditEntry.id).limit(1)) is not None:
        return
    if head_file is not None and head_file.exists():
        return
    if session.scalar(select(User.id).limit(1)) is not None:
        audit.write_baseline(session)


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
