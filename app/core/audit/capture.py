"""Capturing changes: one `AuditRecorder` per `Database`, listening on that database's
sessions only.

Before each flush the recorder notes what is new and, for what changed, the row as the
database still holds it; after the flush it appends one entry per record with the values
written (field-level before and after for a change) to the hash chain, in the same
transaction. The copy of the head kept outside the database moves only after the
*outermost* commit — SQLAlchemy also reports a released savepoint as a commit, and a
savepoint's entries can still be rolled back — and it is read back from the database
then, so it can never name an entry that was not committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, object_session, sessionmaker

from app.core.actors import ACTOR
from app.core.audit.chain import (
    NOT_AUDITED,
    Action,
    PendingEntry,
    append,
    last_entry,
    trail_value,
)
from app.core.audit.head import save_head
from app.core.models import Base

#: The session.info key holding the recorder of the session's database.
RECORDER = "footprint_audit_recorder"
_PENDING = "footprint_audit_pending"
_DELETED = "footprint_audit_deleted"
_WROTE = "footprint_audit_wrote"
log = logging.getLogger(__name__)


class AuditRecorder:
    """Puts every change made through one database's sessions on its trail."""

    def __init__(self, engine: Engine, head_file: Path | None) -> None:
        self.engine = engine
        self.head_file = head_file
        #: False while the outside copy must not be written (it went missing on a log
        #: with a trail: that is for `verify` to report, not for a save to paper over).
        self.keeps_head = head_file is not None

    def attach(self, factory: sessionmaker[Session]) -> None:
        """Listen on the sessions `factory` makes."""
        factory.kw.setdefault("info", {})[RECORDER] = self
        event.listen(factory, "before_flush", _before_flush)
        event.listen(factory, "after_flush", _after_flush)
        event.listen(factory, "after_commit", self._after_commit)
        event.listen(factory, "after_soft_rollback", _after_soft_rollback)
        event.listen(factory, "do_orm_execute", _refuse_bulk_changes)

    def follow_head(self) -> tuple[int, str] | None:
        """Move the outside copy to the newest committed entry; returns it."""
        with self.engine.connect() as connection:
            last = last_entry(connection)
        if last[0] and self.keeps_head and self.head_file is not None:
            save_head(self.head_file, *last)
        return last if last[0] else None

    def _after_commit(self, session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint was released: its entries may yet be rolled back
        if session.info.pop(_WROTE, False):
            try:
                self.follow_head()
            except SQLAlchemyError as exc:  # the work is committed: never report it lost
                log.warning(
                    "the audit trail's outside copy was not moved on: %s", type(exc).__name__
                )


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
        [PendingEntry(user_id, action, table_name, record_id, dict(detail or {}))],
    )
    if head is not None:
        session.info[_WROTE] = True


def append_entries(session: Session, entries: list[PendingEntry]) -> None:
    """Entries written below the ORM (a disposal's), added to the trail now; the outside
    copy of the head follows after the commit, as for any other entry."""
    if append(session.connection(), entries) is not None:
        session.info[_WROTE] = True


# --- What a flush changes ----------------------------------------------------------------


def _columns(obj: Any) -> Iterator[str]:
    for attr in inspect(obj).mapper.column_attrs:
        yield attr.key


def _actor(session: Session, obj: Any) -> int | None:
    """Who the trail records: the unit of work's user (None for Footprint itself)."""
    actor = session.info.get(ACTOR)
    return actor if isinstance(actor, int) else None


def _record_id(obj: Any) -> int | None:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    if len(key) == 1 and isinstance(key[0], int):
        return key[0]
    return None


def _table(obj: Any) -> str | None:
    table = getattr(type(obj), "__tablename__", None)
    return None if table in NOT_AUDITED else table


_UNSET = object()


def _collect(session: Session) -> list[PendingEntry]:
    """Before the flush: what is new, and for what changed, the row as the database still
    holds it (exact even if an attribute was expired or reloaded in between)."""
    pending = []
    for obj in session.new:
        table = _table(obj)
        if table is not None:
            pending.append(PendingEntry(_actor(session, obj), Action.INSERT, table, None, {}, obj))
    connection = session.connection()
    for obj in session.dirty:
        table = _table(obj)
        if table is None or not session.is_modified(obj, include_collections=False):
            continue
        before = _stored_row(connection, obj, _loaded_keys(obj))
        pending.append(
            PendingEntry(_actor(session, obj), Action.UPDATE, table, _record_id(obj), before, obj)
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
    """Deletions, including rows removed as orphans (a category taken off an incident).
    Mapper events are global; only sessions of a Database (which carry its recorder)
    are recorded."""
    session = object_session(target)
    table = _table(target)
    if session is None or table is None or RECORDER not in session.info:
        return
    state = inspect(target)
    values = {
        key: trail_value(key, state.dict.get(key))
        for key in (c.key for c in mapper.column_attrs)
        if key in state.dict
    }
    session.info.setdefault(_DELETED, []).append(
        PendingEntry(_actor(session, target), Action.DELETE, table, _record_id(target), values)
    )


def _stored_row(connection: Connection, obj: Any, keys: Iterable[str]) -> dict[str, Any]:
    """The row as the flush left it (server defaults, version counters, update times)."""
    mapper = inspect(obj).mapper
    keys = list(keys)
    columns = [mapper.get_property(key).columns[0] for key in keys]
    pk = mapper.primary_key
    values = mapper.primary_key_from_instance(obj)
    row = connection.execute(
        select(*columns).where(*[c == v for c, v in zip(pk, values, strict=True)])
    ).first()
    return dict(zip(keys, row, strict=True)) if row is not None else {}


def _stored_rows(connection: Connection, entries: list[PendingEntry]) -> dict[int, dict[str, Any]]:
    """The rows of many records as the flush left them, one query per table and set of
    columns (by primary key, 500 at a time) rather than one per record: a flush of
    hundreds of new rows (a pack's redaction log) reads them back in a few queries. Keyed
    by `id(entry)`; a record not found here is read on its own (`_stored_row`)."""
    groups: dict[tuple[Any, tuple[str, ...]], dict[Any, PendingEntry]] = {}
    for entry in entries:
        obj = entry.obj
        if obj is None:
            continue
        mapper = inspect(obj).mapper
        if len(mapper.primary_key) != 1:
            continue
        key = mapper.primary_key_from_instance(obj)[0]
        groups.setdefault((mapper, tuple(_loaded_keys(obj))), {})[key] = entry
    found: dict[int, dict[str, Any]] = {}
    for (mapper, keys), by_key in groups.items():
        if len(by_key) < 2:
            continue  # one record: its own read is as quick
        pk = mapper.primary_key[0]
        columns = [mapper.get_property(key).columns[0] for key in keys]
        ids = list(by_key)
        for start in range(0, len(ids), 500):
            query = select(pk, *columns).where(pk.in_(ids[start : start + 500]))
            for row in connection.execute(query):
                found[id(by_key[row[0]])] = dict(zip(keys, row[1:], strict=True))
    return found


def _resolve(
    connection: Connection, entry: PendingEntry, read: dict[int, dict[str, Any]] | None = None
) -> bool:
    """After the flush: the values written (`read`: rows read back already, by entry).
    False if nothing actually changed."""
    obj = entry.obj
    if obj is None:
        return True
    state = inspect(obj)
    stored = (read or {}).get(id(entry))
    if stored is None:
        stored = _stored_row(connection, obj, _loaded_keys(obj))
    entry.record_id = _record_id(obj)
    if entry.action == Action.INSERT:
        values = {key: state.dict[key] for key in _columns(obj) if key in state.dict}
        values.update(stored)
        entry.changes = {key: trail_value(key, value) for key, value in values.items()}
        return True
    before = entry.changes
    changes = {}
    for key, after in stored.items():
        old = before.get(key, _UNSET)
        if old is _UNSET or trail_value(key, old) == trail_value(key, after):
            continue
        changes[key] = [trail_value(key, old), trail_value(key, after)]
    if not changes:
        return False
    withdrawn = "withdrawn_at" in changes and changes["withdrawn_at"][0] is None
    entry.action = Action.WITHDRAW if withdrawn else Action.UPDATE
    entry.changes = changes
    return True


def _before_flush(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    session.info.setdefault(_PENDING, []).extend(_collect(session))


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    pending: list[PendingEntry] = session.info.pop(_PENDING, [])
    connection = session.connection()
    read = _stored_rows(connection, pending)
    pending = [entry for entry in pending if _resolve(connection, entry, read)]
    pending += session.info.pop(_DELETED, [])
    if append(connection, pending) is not None:
        session.info[_WROTE] = True


def _after_soft_rollback(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_DELETED, None)
    if not session.in_transaction():
        session.info.pop(_WROTE, None)  # the whole unit of work was rolled back


def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    """An ORM bulk UPDATE or DELETE bypasses the flush, so the trail would not see it."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = getattr(mapper.class_, "__tablename__", None) if mapper is not None else None
    if table is not None and table not in NOT_AUDITED:
        raise RuntimeError(
            f"A bulk {'UPDATE' if state.is_update else 'DELETE'} of {table} would bypass the "
            "audit trail: change the records one by one through the services."
        )


event.listen(Base, "after_delete", _after_delete, propagate=True)
