"""Opening a log at start-up: connect, upgrade the schema if needed, make the first user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core import audit
from app.core.db import Database, create_db_engine
from app.core.errors import DatabaseError
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


def open_log(url: str | URL | None = None) -> OpenedLog:
    """Open (creating if new) and upgrade the log; DatabaseError with a plain reason if not."""
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
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseError(explain_operational_error(exc)) from None
    except BaseException:
        engine.dispose()
        raise
    return OpenedLog(database, upgrade, user_id)


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


def explain_operational_error(exc: OperationalError) -> str:
    """A sentence for the DSL about why the database could not be used (no personal data)."""
    text = str(exc.orig).lower()
    if "locked" in text or "busy" in text:
        return (
            "The log is busy: another copy of Footprint (or a backup program) is using it. "
            "Wait a moment and try again."
        )
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return (
            "Footprint can't open or write the log file: check the folder exists and is writable."
        )
    if "not a database" in text or "malformed" in text:
        return (
            "The log file is damaged or is not a Footprint log. Restore the latest backup "
            "from the backups folder beside it."
        )
    if "connection" in text or "could not connect" in text or "password" in text:
        return "Footprint can't reach the PostgreSQL server: check the address, user and password."
    return "The log could not be opened (the database reported an error)."
