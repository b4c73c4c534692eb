"""Opening a log at start-up: connect, upgrade the schema if needed, make the first user."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Engine, inspect, select
from sqlalchemy.exc import DBAPIError

from app.core.actors import SYSTEM
from app.core.audit import GENESIS
from app.core.audit.head import reset_head
from app.core.clock import LONDON
from app.core.db import Database, create_db_engine, default_database_url, normalise_url
from app.core.errors import DatabaseError, FootprintError, LogLost, NoLog
from app.core.log_address import LogKind as LogKind  # still imported from here
from app.core.migrate import UpgradeResult, upgrade_to_head
from app.core.models import AuditEntry
from app.core.security import cipher
from app.core.security.logkeys import LogKeys, find_ring
from app.core.services import search_index
from app.core.services.terms import ensure_default_terms
from app.core.services.users import ensure_default_user

log_module = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenedLog:
    """A database ready to use, what the upgrade did, and the user acting until accounts."""

    database: Database
    upgrade: UpgradeResult
    user_id: int


def log_kind(url: str | URL | None = None) -> LogKind:
    """Whether the log must be unlocked (a key) before it can be opened."""
    path = log_file(url)
    if path is None:
        return LogKind.SERVER
    present = path.exists() and path.stat().st_size > 0
    keys = find_ring(path) is not None
    if present and (cipher.is_plain(path) or not keys):
        return LogKind.PLAIN  # or not a log at all: opening it says so, in words
    return LogKind.ENCRYPTED if keys else LogKind.NEW


class NeedsKey(DatabaseError):
    """The log is encrypted and was opened without its key (a sign-in comes first)."""


def open_log(
    url: str | URL | None = None, *, create: bool = True, keys: LogKeys | None = None
) -> OpenedLog:
    """Open and upgrade the log; DatabaseError with a plain reason if not. A new log is
    created where none is only when `create` (the window's first run, `demo`); commands
    that work on a school's records pass False and get NoLog instead. An encrypted log
    is opened with `keys` (from `unlock_with_password` or `unlock_with_recovery`)."""
    if not create:
        refuse_missing_log(url)
    path = log_file(url)
    if path is not None and path.exists() and path.stat().st_size and cipher.is_plain(path):
        keys = None  # plain (not converted yet): its key file is from a conversion cut short
    elif keys is None and log_kind(url) is LogKind.ENCRYPTED:
        raise NeedsKey(
            f"The log at {path} is encrypted: sign in with your user name and password "
            "(a command takes --user) to open it."
        )
    check_before_trusting(url, keys)
    engine = create_db_engine(url, key=keys.data_key if keys is not None else None)
    try:
        had_trail = trail_has_entries(engine)  # before the upgrade that may start it
        database = Database(engine, keys)
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


@dataclass(frozen=True)
class EncryptedLog:
    """A plain log, now encrypted and open again. The recovery key (None when the log's
    existing keys were used again) is to be printed once — it is kept nowhere, so it is
    returned even if the log then could not be opened again (`log` None, `problem` why).
    If the log could not be encrypted, `problem` says why and `log` is open as it was."""

    log: OpenedLog | None
    recovery_key: str | None
    problem: str | None = None
    backups_left_plain: tuple[Path, ...] = ()


def encrypt_opened_log(log: OpenedLog, user_id: int, username: str, password: str) -> EncryptedLog:
    """Encrypt the open plain SQLite log with a slot for the account signing in (whose
    password was just checked), and open it again. Nothing may be using it but `log`."""
    from app.core.security.convert import encrypt_log
    from app.core.services.encryption import record_encryption

    path = log.database.file
    if path is None or log.database.keys is not None:
        return EncryptedLog(log, None)
    url = log.database.engine.url
    log.database.dispose()
    try:
        encrypted = encrypt_log(path, user_id, username, password)
    except DatabaseError as exc:
        return EncryptedLog(open_log(url), None, exc.message)
    left = tuple(encrypted.backups_left_plain)
    try:
        reopened = open_log(url, keys=encrypted.keys)
    except FootprintError as exc:  # encrypted all the same: the key must still be shown
        return EncryptedLog(None, encrypted.recovery_key, exc.message, left)
    try:
        with reopened.database.write(user_id) as session:
            record_encryption(session, backups_left_plain=len(left))
    except (FootprintError, DBAPIError):
        log_module.warning("The encryption could not be put on the trail.")
    return EncryptedLog(reopened, encrypted.recovery_key, None, left)


def log_file(url: str | URL | None = None) -> Path | None:
    """The SQLite file a log address names (None for PostgreSQL or memory)."""
    parsed = normalise_url(url if url is not None else default_database_url())
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def check_before_trusting(url: str | URL | None = None, keys: LogKeys | None = None) -> None:
    """Every start checks a SQLite log before trusting it. A file that is missing or
    empty where this log's outside copy or backups show a log existed is LogLost (never
    the first-run form of a new school); a file SQLite's `quick_check` finds damaged is
    LogLost too, and nothing is written to it; a file or folder Footprint can't write is
    said now, before anyone signs in. Files Footprint makes are the user's alone."""
    from app.core.backups import last_backup

    parsed = normalise_url(url if url is not None else default_database_url())
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    from app.core.security.convert import tidy_conversion

    tidy_conversion(path)  # before anything looks at the file: a conversion cut short
    latest = last_backup(path)
    offer = (
        f" The latest backup is from {latest.made_at.astimezone(LONDON):%d/%m/%Y %H:%M}."
        if latest
        else " There is no backup of it in its backups folder."
    )
    existed = (
        Path(f"{path}.audit-head").exists() or latest is not None or cipher.keys_path(path).exists()
    )
    wal = Path(f"{path}-wal")
    # A new log's first pages may still be in its -wal (the file itself empty): that is a
    # log; an empty file with no -wal beside it, or no file at all, is not.
    empty = not path.exists() or (
        path.stat().st_size == 0 and (not wal.exists() or wal.stat().st_size == 0)
    )
    if empty:
        if existed:
            raise LogLost(f"The log at {path} is missing or empty.{offer}", latest)
        return
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseError(
            f"Footprint can't write to the log at {path}: the file or its folder is "
            "read-only. Check that you may change both (or ask whoever looks after the PC)."
        )
    # Past a few hundred MB the check costs seconds at every start (14 s for the
    # 100,000-incident bench log); such a log is checked in full with each day's backup.
    if keys is None and not cipher.is_plain(path):
        # Not damage (no backup is offered): an encrypted log without its key file, or
        # a file that isn't a log at all. Nothing is written to it.
        raise DatabaseError(
            f"The file at {path} can't be read: it is not a Footprint log, or it is an "
            f"encrypted log whose key file ({cipher.keys_path(path).name}) is missing from "
            "beside it and from its backups folder. Nothing was changed. Put the key file "
            "back beside the log (from wherever the log was copied from), or check the "
            "--database address."
        )
    key = keys.data_key if keys is not None else None
    small = path.stat().st_size <= QUICK_CHECK_MAX_BYTES
    damage = _quick_check(path, key) if small else None
    if damage is not None:
        raise LogLost(f"{damage.format(path=path)} Nothing was written to it.{offer}", latest)
    _make_private(path)


#: Logs up to this size get SQLite's quick check at every start (a school's log is a few MB).
QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024


def _quick_check(path: Path, key: bytes | None) -> str | None:
    """None when SQLite's quick check passes; otherwise what is wrong, in words."""
    try:
        connection = cipher.connect(path, key, readonly=True)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except cipher.dbapi.DatabaseError as exc:
        text = str(exc).lower()
        if "not a database" in text and key is not None:
            return (
                "The log at {path} can't be read with the key that opened its key file: "
                "the log is damaged, or the key file beside it belongs to another log."
            )
        if "not a database" in text:
            return (
                "The file at {path} is not a Footprint log, or is too damaged to read (or "
                "it is an encrypted log whose key file, "
                f"{cipher.keys_path(path).name}, is missing from beside it)."
            )
        if "malformed" in text:
            return _DAMAGED
        return None  # busy, locked or unreadable here: opening it says so, plainly
    return None if result == "ok" else _DAMAGED


_DAMAGED = "The log at {path} is damaged (perhaps cut short or partly overwritten)."


def _make_private(path: Path) -> None:
    """The log and its companions are readable by the user's account alone."""
    for member in (
        path,
        Path(f"{path}-wal"),
        Path(f"{path}-shm"),
        Path(f"{path}.audit-head"),
        cipher.keys_path(path),
    ):
        try:
            if member.exists() and member.stat().st_mode & 0o077:
                os.chmod(member, 0o600)
        except OSError:
            pass  # not ours to change (another account's file): opening it says the rest


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
    if "does not support ssl" in text:
        return (
            "The PostgreSQL server does not offer encryption (TLS), so Footprint did not "
            "connect: safeguarding records must not cross the network in plain text. Ask "
            "whoever runs the server to turn TLS on (ssl = on in postgresql.conf, with a "
            "certificate), or add sslmode=disable to the database address only if the "
            "network itself is protected (for example a VPN)."
        )
    if "no encryption" in text or "ssl off" in text:
        return (
            "The PostgreSQL server only accepts encrypted connections, but the database "
            "address says sslmode=disable. Change it to sslmode=require (or verify-full)."
        )
    if "root certificate file" in text:
        return (
            "Footprint can't check the PostgreSQL server's certificate: the address asks for "
            "sslmode=verify-ca or verify-full but names no certificate authority. Add "
            "sslrootcert= and the path of the authority's certificate (or "
            "sslrootcert=system for a certificate from a public authority), or use "
            "sslmode=require."
        )
    if "certificate verify failed" in text or "does not match host name" in text:
        return (
            "Footprint did not connect: the PostgreSQL server's certificate can't be trusted "
            "(it isn't signed by the authority in sslrootcert, has expired, or was issued "
            "for another server name). Check that the server name in the database address "
            "matches the certificate and that sslrootcert names the right file. This can "
            "also mean something is intercepting the connection, so don't switch the check "
            "off to get round it."
        )
    if "weak sslmode" in text:
        return (
            "The database address uses sslrootcert=system, which needs sslmode=verify-full: "
            "change sslmode to verify-full."
        )
    if "connection" in text or "could not connect" in text or "password" in text:
        return "Footprint can't reach the PostgreSQL server: check the address, user and password."
    return "The log could not be used (the database reported an error)."
