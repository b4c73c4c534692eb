"""The tamper-evident audit trail.

Every insert, change and withdrawal of every record is captured in one place — a
SQLAlchemy `after_flush` listener — with who, when, which record and the field-level
before and after. Opening an incident or a person, exporting and printing are recorded
as reads by the services that do them (`record_read`).

Entries form a hash chain: each stores the SHA-256 of the previous entry's hash and its
own canonical content. The database refuses UPDATE and DELETE on the table (triggers),
and the chain head is also kept outside the database (a small file beside the SQLite
log, or in the data folder for PostgreSQL), so rewriting the whole chain is caught too.
`verify()` checks all of it, and compares every record with what the trail says it
should hold, so a change made with raw SQL (which no listener sees) is caught as well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, UOWTransaction, object_session

from app.core.clock import utc_now
from app.core.models import AuditEntry, Base

GENESIS = "0" * 64
#: Tables whose rows are not records of their own (counters, the trail itself).
NOT_AUDITED = frozenset({"audit_entry", "reference_counter"})
#: Columns kept as a fingerprint, never as their value.
SECRET_COLUMNS = frozenset({"password_hash"})
#: The session.info key naming who is acting (set by the app's unit of work).
ACTOR = "footprint_actor_id"
#: The session.info key holding where the chain head is kept (set by Database).
HEAD_FILE = "footprint_audit_head"


class Action:
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


# --- Values as the trail keeps them ----------------------------------------------------


def _value(column: str, value: Any) -> Any:
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


def _content(
    entry_id: int,
    at: str,
    user_id: int | None,
    action: str,
    table_name: str,
    record_id: int | None,
    changes: str,
) -> str:
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


# --- Writing -------------------------------------------------------------------------


@dataclass
class _Pending:
    user_id: int | None
    action: str
    table_name: str
    record_id: int | None
    changes: dict[str, Any]
    obj: Any = None


def _columns(obj: Any) -> Iterator[str]:
    for attr in inspect(obj).mapper.column_attrs:
        yield attr.key


def _actor(session: Session, obj: Any) -> int | None:
    actor = session.info.get(ACTOR)
    if actor is not None:
        return int(actor)
    for name in ("withdrawn_by_id", "updated_by_id", "created_by_id"):
        value = getattr(obj, name, None) if name in inspect(obj).dict else None
        if value is not None:
            return int(value)
    return None


def _record_id(obj: Any) -> int | None:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    if len(key) == 1 and isinstance(key[0], int):
        return key[0]
    return None


def _table(obj: Any) -> str | None:
    table = getattr(type(obj), "__tablename__", None)
    return None if table in NOT_AUDITED else table


_UNSET = object()


def _collect(session: Session) -> list[_Pending]:
    """Before the flush: what is new, and for what changed, the row as the database still
    holds it (exact even if an attribute was expired or reloaded in between)."""
    pending = []
    for obj in session.new:
        table = _table(obj)
        if table is not None:
            pending.append(_Pending(_actor(session, obj), Action.INSERT, table, None, {}, obj))
    connection = session.connection()
    for obj in session.dirty:
        table = _table(obj)
        if table is None or not session.is_modified(obj, include_collections=False):
            continue
        before = _stored_row(connection, obj, _loaded_keys(obj))
        pending.append(
            _Pending(_actor(session, obj), Action.UPDATE, table, _record_id(obj), before, obj)
        )
    return pending


def _loaded_keys(obj: Any) -> list[str]:
    """Columns to compare: all but large deferred values that were never loaded."""
    state = inspect(obj)
    return [
        attr.key
        for attr in state.mapper.column_attrs
        if not attr.deferred or attr.key in state.dict
    ]


def _after_delete(mapper: Any, connection: Connection, target: Any) -> None:
    """Deletions, including rows removed as orphans (a category taken off an incident)."""
    session = object_session(target)
    table = _table(target)
    if session is None or table is None:
        return
    state = inspect(target)
    values = {
        key: _value(key, state.dict.get(key))
        for key in (c.key for c in mapper.column_attrs)
        if key in state.dict
    }
    session.info.setdefault("footprint_audit_deleted", []).append(
        _Pending(_actor(session, target), Action.DELETE, table, _record_id(target), values)
    )


def _stored_row(connection: Connection, obj: Any, keys: Iterable[str]) -> dict[str, Any]:
    """The row as the flush left it (server defaults, version counters, update times)."""
    mapper = inspect(obj).mapper
    columns = [mapper.get_property(key).columns[0] for key in keys]
    pk = mapper.primary_key
    values = mapper.primary_key_from_instance(obj)
    row = connection.execute(
        select(*columns).where(*[c == v for c, v in zip(pk, values, strict=True)])
    ).first()
    return dict(zip(keys, row, strict=True)) if row is not None else {}


def _resolve(connection: Connection, entry: _Pending) -> bool:
    """After the flush: the values written. False if nothing actually changed."""
    obj = entry.obj
    if obj is None:
        return True
    state = inspect(obj)
    stored = _stored_row(connection, obj, _loaded_keys(obj))
    entry.record_id = _record_id(obj)
    if entry.action == Action.INSERT:
        values = {key: state.dict[key] for key in _columns(obj) if key in state.dict}
        values.update(stored)
        entry.changes = {key: _value(key, value) for key, value in values.items()}
        return True
    before = entry.changes
    changes = {}
    for key, after in stored.items():
        old = before.get(key, _UNSET)
        if old is _UNSET or _value(key, old) == _value(key, after):
            continue
        changes[key] = [_value(key, old), _value(key, after)]
    if not changes:
        return False
    withdrawn = "withdrawn_at" in changes and changes["withdrawn_at"][0] is None
    entry.action = Action.WITHDRAW if withdrawn else Action.UPDATE
    entry.changes = changes
    return True


def _lock_chain(connection: Connection) -> None:
    """Writers add to the chain one at a time (SQLite's BEGIN IMMEDIATE already queues
    them; on PostgreSQL a transaction-scoped advisory lock does)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(4242424242)"))


def _last(connection: Connection) -> tuple[int, str]:
    row = connection.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def append(connection: Connection, entries: Iterable[_Pending]) -> tuple[int, str] | None:
    """Add entries to the chain; returns the new head (id, hash)."""
    entries = list(entries)
    if not entries:
        return None
    _lock_chain(connection)
    last_id, last_hash = _last(connection)
    at = utc_now()
    rows = []
    for entry in entries:
        last_id += 1
        changes = canonical(entry.changes)
        content = _content(
            last_id,
            at.isoformat(),
            entry.user_id,
            entry.action,
            entry.table_name,
            entry.record_id,
            changes,
        )
        digest = chain_hash(last_hash, content)
        rows.append(
            {
                "id": last_id,
                "at": at,
                "user_id": entry.user_id,
                "action": entry.action,
                "table_name": entry.table_name,
                "record_id": entry.record_id,
                "changes": changes,
                "prev_hash": last_hash,
                "hash": digest,
            }
        )
        last_hash = digest
    connection.execute(insert(AuditEntry), rows)
    return last_id, last_hash


def _before_flush(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    session.info.setdefault("footprint_audit_pending", []).extend(_collect(session))


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    pending: list[_Pending] = session.info.pop("footprint_audit_pending", [])
    connection = session.connection()
    pending = [entry for entry in pending if _resolve(connection, entry)]
    pending += session.info.pop("footprint_audit_deleted", [])
    head = append(connection, pending)
    if head is not None:
        session.info["footprint_audit_head_new"] = head


def _after_commit(session: Session) -> None:
    head = session.info.pop("footprint_audit_head_new", None)
    path = session.info.get(HEAD_FILE)
    if head is not None and path:
        save_head(Path(path), *head)


def _after_rollback(session: Session) -> None:
    session.info.pop("footprint_audit_head_new", None)
    session.info.pop("footprint_audit_pending", None)
    session.info.pop("footprint_audit_deleted", None)


def install(session_class: type[Session] = Session) -> None:
    """Listen on every session (done once, when app.core.db is imported)."""
    if event.contains(session_class, "before_flush", _before_flush):
        return
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(Base, "after_delete", _after_delete, propagate=True)
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "after_commit", _after_commit)
    event.listen(session_class, "after_soft_rollback", lambda s, _t: _after_rollback(s))


def record_read(
    session: Session,
    user_id: int | None,
    action: str,
    table_name: str,
    record_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """A look at a record, an export or a printing, added to the trail now."""
    head = append(
        session.connection(),
        [_Pending(user_id, action, table_name, record_id, dict(detail or {}))],
    )
    if head is not None:
        session.info["footprint_audit_head_new"] = head


# --- The head kept outside the database ------------------------------------------------


def save_head(path: Path, entry_id: int, digest: str) -> None:
    """Remember the newest entry this PC has seen (only ever moves forward)."""
    try:
        current = load_head(path)
        if current is not None and current[0] >= entry_id:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".part")
        temporary.write_text(json.dumps({"id": entry_id, "hash": digest}), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only folder must not stop work; verify says the head is missing


def load_head(path: Path) -> tuple[int, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return int(data["id"]), str(data["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- Baseline for records written outside the ORM (bulk loads, older logs) ---------------


def write_baseline(session: Session, user_id: int | None = None) -> int:
    """Put every record on the trail as a "baseline" entry: for a log from before the
    trail (its trail is empty when this runs). Returns how many."""
    pending = []
    for table, model in _audited_tables().items():
        pk = [c.name for c in model.__table__.primary_key.columns]
        for row in session.execute(select(model.__table__)).mappings():
            values = {key: _value(key, value) for key, value in row.items()}
            record = row[pk[0]] if len(pk) == 1 else None
            pending.append(_Pending(user_id, Action.BASELINE, table, record, values))
    head = append(session.connection(), pending)
    if head is not None:
        session.info["footprint_audit_head_new"] = head
    return len(pending)


def _audited_tables() -> dict[str, type[Any]]:
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in Base.registry.mappers
        if mapper.class_.__tablename__ not in NOT_AUDITED
    }


# --- Verification ----------------------------------------------------------------------


@dataclass
class Verification:
    """What `verify` found: `ok`, how many entries were checked, and each problem."""

    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, head_file: Path | None, *, limit: int = 20) -> Verification:
    """Check the chain, the head kept outside the database, and every record against what
    the trail says it should hold."""
    result = Verification()
    expected_id, prev = 1, GENESIS
    state: dict[tuple[str, Any], dict[str, Any]] = {}
    keys = _primary_keys()
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(2000):
        result.entries += 1
        if entry.id != expected_id:
            result.problems.append(
                f"Entry {expected_id} is missing (the next is {entry.id}): entries were removed."
            )
        if entry.prev_hash != prev:
            result.problems.append(f"Entry {entry.id} does not follow on from the one before it.")
        content = _content(
            entry.id,
            entry.at.isoformat(),
            entry.user_id,
            entry.action,
            entry.table_name,
            entry.record_id,
            entry.changes,
        )
        if chain_hash(entry.prev_hash, content) != entry.hash:
            result.problems.append(f"Entry {entry.id} has been altered since it was written.")
        prev, expected_id = entry.hash, entry.id + 1
        if entry.table_name in keys and entry.action in _RECORD_ACTIONS:
            changes = json.loads(entry.changes)
            key = (entry.table_name, _key(keys[entry.table_name], entry.record_id, changes))
            if entry.action in (Action.INSERT, Action.BASELINE):
                state[key] = changes
            elif entry.action == Action.DELETE:
                state.pop(key, None)
            elif key in state:
                for column, (_before, after) in changes.items():
                    state[key][column] = after
        if len(result.problems) >= limit:
            return result
    if head_file is not None:
        head = load_head(head_file)
        if head is None:
            if result.entries:
                result.problems.append(
                    f"The copy of the trail's last entry kept outside the database "
                    f"({head_file.name}) is missing."
                )
        else:
            head_id, head_hash = head
            if head_id > result.entries and head_id >= expected_id:
                result.problems.append(
                    f"The trail ends at entry {expected_id - 1}, but entry {head_id} was "
                    "written: entries at the end were removed."
                )
            else:
                stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == head_id))
                if stored != head_hash:
                    result.problems.append(
                        f"Entry {head_id} differs from the copy kept outside the database: "
                        "the trail was rewritten."
                    )
    _compare_records(session, state, result, limit)
    return result


_RECORD_ACTIONS = frozenset(
    {Action.INSERT, Action.BASELINE, Action.UPDATE, Action.WITHDRAW, Action.DELETE}
)


def _primary_keys() -> dict[str, list[str]]:
    return {
        table: [c.name for c in model.__table__.primary_key.columns]
        for table, model in _audited_tables().items()
    }


def _key(pk: list[str], record_id: int | None, values: dict[str, Any]) -> Any:
    """A record's identity on the trail: its id, or its key columns for a table keyed by
    several (a category of an incident)."""
    if len(pk) == 1 and record_id is not None:
        return record_id
    return canonical({column: values.get(column) for column in pk})


def _compare_records(
    session: Session,
    state: dict[tuple[str, Any], dict[str, Any]],
    result: Verification,
    limit: int,
) -> None:
    seen: set[tuple[str, Any]] = set()
    for table, model in _audited_tables().items():
        pk = [c.name for c in model.__table__.primary_key.columns]
        for row in session.execute(select(model.__table__)).mappings():
            values = {column: _value(column, value) for column, value in row.items()}
            record = _key(pk, row[pk[0]] if len(pk) == 1 else None, values)
            seen.add((table, record))
            known = state.get((table, record))
            shown = record if len(pk) == 1 else ", ".join(str(row[c]) for c in pk)
            if known is None:
                result.problems.append(
                    f"{table} {shown} is not on the trail: it was added outside Footprint."
                )
            else:
                for column, value in values.items():
                    if column in known and value != known[column]:
                        result.problems.append(
                            f"{table} {shown}: “{column}” differs from the trail: it was "
                            "changed outside Footprint."
                        )
                        break
            if len(result.problems) >= limit:
                return
    for table, record in state.keys() - seen:
        result.problems.append(
            f"{table} {record} is on the trail but not in the log: it was removed outside "
            "Footprint."
        )
        if len(result.problems) >= limit:
            return
