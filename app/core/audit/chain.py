"""The hash chain: entries as the trail keeps them, and appending to it.

Each entry stores the SHA-256 of the previous entry's hash and its own canonical content,
so changing, removing or inserting an entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from app.core.clock import utc_now
from app.core.models import AuditEntry

GENESIS = "0" * 64
#: Tables whose rows are not records of their own (counters, the trail itself).
NOT_AUDITED = frozenset({"audit_entry", "reference_counter", "alembic_version"})
#: Columns kept as a fingerprint, never as their value.
SECRET_COLUMNS = frozenset({"password_hash"})


class Action(StrEnum):
    """What an entry records."""

    INSERT = "insert"
    UPDATE = "update"
    WITHDRAW = "withdraw"
    BASELINE = "baseline"
    DELETE = "delete"
    READ = "read"
    SIGN_IN = "sign-in"
    SIGN_IN_REFUSED = "sign-in refused"
    EXPORT = "export"
    PRINT = "print"
    SEARCH = "search"
    BACKUP = "backup"
    RESTORE = "restore"
    ENCRYPT = "encrypt"  # the log was encrypted (converted from a plain file)
    RECOVERY_KEY = "recovery key"  # a new recovery key made, or the recovery key used
    # Retention (app.core.audit.erasure): what a disposed record holds afterwards, and the
    # entries a disposal erased, each with its hash, vouched for by the disposal.
    DISPOSE = "dispose"
    ERASURE = "erasure"


def trail_value(column: str, value: Any) -> Any:
    """A column's value in JSON: dates as ISO text, bytes and secrets as fingerprints."""
    if value is None:
        return None
    if column in SECRET_COLUMNS:
        return {"sha256": hashlib.sha256(str(value).encode()).hexdigest()}
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def canonical(entry: dict[str, Any]) -> str:
    """The exact text that is hashed (sorted keys, no spaces, UTF-8 kept as is)."""
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def entry_content(
    entry_id: int,
    at: str,
    user_id: int | None,
    action: str,
    table_name: str,
    record_id: int | None,
    changes: str,
) -> str:
    """The canonical text of one entry, as hashed."""
    return canonical(
        {
            "id": entry_id,
            "at": at,
            "user": user_id,
            "action": action,
            "table": table_name,
            "record": record_id,
            "changes": json.loads(changes),
        }
    )


def stored_content(
    entry_id: int,
    at: str,
    user_id: int | None,
    action: str,
    table_name: str,
    record_id: int | None,
    changes: str,
) -> str:
    """`entry_content` spliced from the stored text of `changes` without reading it as
    JSON: the same text whenever that is canonical (as `append` writes it), about ten times
    faster. A caller whose hash does not match asks `entry_content`, which decides."""
    return (
        f'{{"action":{encode_basestring(action)},"at":{encode_basestring(at)},'
        f'"changes":{changes},"id":{entry_id:d},'
        f'"record":{"null" if record_id is None else format(record_id, "d")},'
        f'"table":{encode_basestring(table_name)},'
        f'"user":{"null" if user_id is None else format(user_id, "d")}}}'
    )


@dataclass
class PendingEntry:
    """An entry about to be appended (`obj` is the record, until its values are known)."""

    user_id: int | None
    action: str
    table_name: str
    record_id: int | None
    changes: dict[str, Any]
    obj: Any = None
    #: `canonical(changes)`, when the caller has it already (the baseline reads rows
    #: straight into that text).
    text: str | None = None


def _lock_chain(connection: Connection) -> None:
    """Writers add to the chain one at a time (SQLite's BEGIN IMMEDIATE already queues
    them; on PostgreSQL a transaction-scoped advisory lock does)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(4242424242)"))


def last_entry(connection: Connection) -> tuple[int, str]:
    """The newest entry's (id, hash), or (0, GENESIS) for an empty trail."""
    row = connection.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def mark(connection: Connection) -> str:
    """The driver's placeholder for a parameter (sqlite3 and SQLCipher "?", psycopg "%s")."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


_AT = AuditEntry.__table__.c.at
_COLUMNS = "id, at, user_id, action, table_name, record_id, changes, prev_hash, hash"


def append(connection: Connection, entries: Iterable[PendingEntry]) -> tuple[int, str] | None:
    """Add entries to the chain; returns the new head (id, hash)."""
    entries = list(entries)
    if not entries:
        return None
    _lock_chain(connection)
    last_id, last_hash = last_entry(connection)
    at = utc_now()
    stamp = at.isoformat()
    # The rows go to the driver as they are, with the time converted once: through the
    # ORM's insert, converting each row's values was most of a long baseline's cost.
    convert = _AT.type._cached_bind_processor(connection.dialect)
    at_value = at if convert is None else convert(at)
    rows = []
    for entry in entries:
        last_id += 1
        changes = canonical(entry.changes) if entry.text is None else entry.text
        action = str(entry.action)
        # Spliced: `changes` is canonical here, so this is `entry_content`'s text.
        content = stored_content(
            last_id, stamp, entry.user_id, action, entry.table_name, entry.record_id, changes
        )
        digest = chain_hash(last_hash, content)
        rows.append(
            (
                last_id,
                at_value,
                entry.user_id,
                action,
                entry.table_name,
                entry.record_id,
                changes,
                last_hash,
                digest,
            )
        )
        last_hash = digest
    marks = ", ".join([mark(connection)] * 9)
    connection.exec_driver_sql(f"INSERT INTO audit_entry ({_COLUMNS}) VALUES ({marks})", rows)
    return last_id, last_hash
