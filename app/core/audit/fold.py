"""Every record against what the trail says it holds, a chunk at a time.

Each table is walked in key order beside the trail's entries for the same keys (read
through the trail's index on table and record), folded a chunk of records at a time, so
memory holds one chunk however long the trail. A table keyed by several columns (a
category of an incident) has no record number on the trail: its entries are folded in
shards of keys, one pass over them per shard, beside the rows of the same shard."""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from app.core.audit.chain import NOT_AUDITED, SECRET_COLUMNS, Action, canonical, trail_value
from app.core.models import AuditEntry, Base

#: Records (with their entries) folded at a time; entries of a table keyed by several
#: columns folded at a time.
RECORD_CHUNK = 5_000
SHARD = 100_000
State = dict[Any, dict[str, Any]]


class RecordWalk:
    """The record half of a check: `connection` holds the snapshot read, `problems` what was
    found; `full()` says enough was found, `step(n)` counts n records done."""

    connection: Connection
    problems: list[str]

    def full(self) -> bool:
        raise NotImplementedError

    def step(self, amount: int) -> None:
        raise NotImplementedError

    def records(self) -> None:
        """Check every table of records."""
        for name, table in audited_tables().items():
            keys = [c.name for c in table.primary_key.columns]
            if len(keys) == 1:
                self.by_record(name, table, keys[0])
            else:
                self.by_shard(name, table, keys)
            if self.full():
                return

    def entries(self, name: str, *where: Any, order: Iterable[Any]) -> Iterator[Any]:
        """The entries about `name`'s records, streamed (never all held at once)."""
        query = (
            select(AuditEntry.record_id, AuditEntry.action, AuditEntry.changes)
            .where(AuditEntry.table_name == name, AuditEntry.action.in_(_RECORD_ACTIONS), *where)
            .order_by(*order)
            .execution_options(yield_per=RECORD_CHUNK)
        )
        yield from self.connection.execute(query)

    def by_record(self, name: str, table: Table, key: str) -> None:
        """A table keyed by one number, a chunk of records at a time beside the entries
        recorded for those numbers (the trail's index on table and record)."""
        column, record = table.c[key], AuditEntry.record_id
        names = list(table.c.keys())
        below: Any = None
        while True:
            query = select(table).order_by(column).limit(RECORD_CHUNK)
            if below is not None:
                query = query.where(column > below)
            rows = [dict(zip(names, row, strict=True)) for row in self.connection.execute(query)]
            above = rows[-1][key] if len(rows) == RECORD_CHUNK else None
            where = [record.is_not(None)]
            where += [record > below] if below is not None else []
            where += [record <= above] if above is not None else []
            state: State = {}
            for entry in self.entries(name, *where, order=(record, AuditEntry.id)):
                _replay(state, [key], entry.action, entry.record_id, entry.changes)
            self.compare(name, [key], rows, state)
            if self.full() or above is None:
                break
            below = above
            self.step(len(rows))
        # Entries naming no record number (none are written so) can match no record.
        state = {}
        for entry in self.entries(name, record.is_(None), order=(AuditEntry.id,)):
            _replay(state, [key], entry.action, None, entry.changes)
        self.removed(name, state)
        self.step(len(rows))

    def by_shard(self, name: str, table: Table, keys: list[str]) -> None:
        """A table keyed by several columns: its entries carry no record number, so they
        are folded a shard of keys at a time (one pass over them each), beside the rows
        of the same shard."""
        count = self.connection.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.table_name == name, AuditEntry.action.in_(_RECORD_ACTIONS))
        )
        shards = max(1, math.ceil((count or 0) / SHARD))
        for shard in range(shards):
            state: State = {}
            # In the index's order: by record number (none is written for such a table),
            # then entry, so in the order the trail was written, with no sort.
            for entry in self.entries(name, order=(AuditEntry.record_id, AuditEntry.id)):
                changes = json.loads(entry.changes)
                if shards == 1 or _shard(_key(keys, None, changes), shards) == shard:
                    _replay(state, keys, entry.action, entry.record_id, entry.changes, changes)
            rows, names = [], list(table.c.keys())
            for row in self.connection.execute(select(table).execution_options(yield_per=2000)):
                mapping = dict(zip(names, row, strict=True))
                if shards > 1:
                    values = {column: trail_value(column, mapping[column]) for column in keys}
                    if _shard(_key(keys, None, values), shards) != shard:
                        continue
                rows.append(mapping)
                if len(rows) >= RECORD_CHUNK:
                    self.compare(name, keys, rows, state, forget=True)
                    self.step(len(rows))
                    rows = []
            self.compare(name, keys, rows, state, forget=True)
            self.step(len(rows))
            self.removed(name, state)
            if self.full():
                return

    def compare(
        self,
        name: str,
        keys: list[str],
        rows: Iterable[Any],
        state: State,
        *,
        forget: bool = False,
    ) -> None:
        """Each row against the trail's record; for `_by_record`, what is left in `state`
        afterwards was removed; with `forget`, matched records leave `state` as they go."""
        problems = self.problems
        seen = []
        for row in rows:
            values = _on_trail(row)
            record = _key(keys, row[keys[0]] if len(keys) == 1 else None, values)
            known = state.get(record)
            shown = record if len(keys) == 1 else ", ".join(str(row[c]) for c in keys)
            if known is None:
                problems.append(
                    f"{name} {shown} is not on the trail: it was added outside Footprint."
                )
            else:
                seen.append(record)
                if known == values:  # the usual case, decided in one comparison
                    continue
                for column, value in values.items():
                    if column in known and value != known[column]:
                        problems.append(
                            f"{name} {shown}: “{column}” differs from the trail: it was "
                            "changed outside Footprint."
                        )
                        break
            if self.full():
                return
        for record in seen:
            state.pop(record, None)
        if not forget:
            self.removed(name, state)

    def removed(self, name: str, state: State) -> None:
        for record in state:
            if self.full():
                return
            self.problems.append(
                f"{name} {record} is on the trail but not in the log: it was removed outside "
                "Footprint."
            )


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _on_trail(row: Any) -> dict[str, Any]:
    """A row's values as the trail writes them (`trail_value`), the common types of value
    taken as they are without asking it."""
    if SECRET_COLUMNS.isdisjoint(row.keys()):
        return {
            column: value
            if type(value) in _PLAIN
            else value.isoformat()
            if type(value) is datetime
            else trail_value(column, value)
            for column, value in row.items()
        }
    return {column: trail_value(column, value) for column, value in row.items()}


def _shard(key: Any, shards: int) -> int:
    return zlib.crc32(str(key).encode("utf-8")) % shards


def _replay(
    state: State,
    keys: list[str],
    action: str,
    record_id: int | None,
    changes_text: str,
    changes: dict[str, Any] | None = None,
) -> None:
    """Fold one entry into what the trail says its record holds."""
    if changes is None:
        changes = json.loads(changes_text)
    key = _key(keys, record_id, changes)
    if action in (Action.INSERT, Action.BASELINE):
        state[key] = changes
    elif action == Action.DELETE:
        state.pop(key, None)
    elif key in state:
        for column, (_before, after) in changes.items():
            state[key][column] = after


_RECORD_ACTIONS = frozenset(
    {Action.INSERT, Action.BASELINE, Action.UPDATE, Action.WITHDRAW, Action.DELETE}
)


def audited_tables() -> dict[str, Table]:
    """The tables of records, as the models declare them."""
    return {
        mapper.class_.__tablename__: mapper.class_.__table__
        for mapper in Base.registry.mappers
        if mapper.class_.__tablename__ not in NOT_AUDITED
    }


def _key(pk: list[str], record_id: int | None, values: dict[str, Any]) -> Any:
    """A record's identity on the trail: its id, or its key columns for a table keyed by
    several (a category of an incident)."""
    if len(pk) == 1 and record_id is not None:
        return record_id
    return canonical({column: values.get(column) for column in pk})
