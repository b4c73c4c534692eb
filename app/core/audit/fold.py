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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from app.core.audit.chain import NOT_AUDITED, Action, mark
from app.core.audit.erasure import MARKER_PREFIX, erased_by
from app.core.audit.raw import RowForm, encode, quote, stream
from app.core.models import AuditEntry, Base

#: Records (with their entries) folded at a time; entries of a table keyed by several
#: columns folded at a time (each held as its stored text, ~300 bytes).
RECORD_CHUNK = 5_000
SHARD = 250_000
#: A record's state: the text of the entry that inserted it, until a later entry changes
#: it (then the values, read from that text); `ERASED` while its entries were erased by
#: a disposal and no `dispose` entry has said what it holds since.
State = dict[Any, str | dict[str, Any]]
ERASED = "(erased)"
#: (raw row, its values and canonical text in the trail's form, its key on the trail)
Prepared = tuple[Any, dict[str, Any], str, Any]


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

    def entries(self, name: str, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[Any]:
        """(record, action, changes) of the entries about `name`'s records, by record and
        entry (the order of the trail's index on table and record), streamed."""
        m = mark(self.connection)
        sql = (
            f"SELECT record_id, action, changes FROM audit_entry WHERE table_name = {m} "
            f"AND action IN ({', '.join([m] * len(_ACTIONS))}){where} ORDER BY record_id, id"
        )
        yield from stream(self.connection, sql, (name, *_ACTIONS, *params), RECORD_CHUNK)

    def by_record(self, name: str, table: Table, key: str) -> None:
        """A table keyed by one number, a chunk of records at a time beside the entries
        recorded for those numbers (the trail's index on table and record)."""
        form, m = RowForm(self.connection, table), mark(self.connection)
        at, column = form.index(key), quote(self.connection, key)
        below: Any = None
        rows: Sequence[Any] = []
        while True:
            after = "" if below is None else f" WHERE {column} > {m}"
            query = f"{form.select}{after} ORDER BY {column} LIMIT {RECORD_CHUNK:d}"
            rows = self.connection.exec_driver_sql(query, () if below is None else (below,)).all()
            above = rows[-1][at] if len(rows) == RECORD_CHUNK else None
            where, params = " AND record_id IS NOT NULL", []
            if below is not None:
                where, params = f"{where} AND record_id > {m}", [below]
            if above is not None:
                where, params = f"{where} AND record_id <= {m}", [*params, above]
            state: State = {}
            for record, action, changes in self.entries(name, where, tuple(params)):
                _replay(state, record, action, changes)
            prepared = []
            for raw in rows:
                values, text = form.read(raw)
                prepared.append((raw, values, text, _key([key], raw[at], values)))
            self.compare(name, [key], form, prepared, state)
            if self.full() or above is None:
                break
            below = above
            self.step(len(rows))
        # Entries naming no record number (none are written so) can match no record.
        state = {}
        for _record, action, text in self.entries(name, " AND record_id IS NULL"):
            changes = json.loads(text)
            _replay(state, _key([key], None, changes), action, text, changes)
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
        form = RowForm(self.connection, table)
        for shard in range(shards):
            state: State = {}
            # In the index's order: by record number (none is written for such a table),
            # then entry, so in the order the trail was written, with no sort.
            for _record, action, text in self.entries(name):
                changes = json.loads(text)
                record = _key(keys, None, changes)
                if shards == 1 or _shard(record, shards) == shard:
                    _replay(state, record, action, text, changes)
            rows: list[Prepared] = []
            for raw in stream(self.connection, form.select, (), RECORD_CHUNK):
                values, text = form.read(raw)
                record = _key(keys, None, values)
                if shards > 1 and _shard(record, shards) != shard:
                    continue
                rows.append((raw, values, text, record))
                if len(rows) >= RECORD_CHUNK:
                    self.compare(name, keys, form, rows, state, forget=True)
                    self.step(len(rows))
                    rows = []
            self.compare(name, keys, form, rows, state, forget=True)
            self.step(len(rows))
            self.removed(name, state)
            if self.full():
                return

    def compare(
        self,
        name: str,
        keys: list[str],
        form: RowForm,
        rows: Iterable[Prepared],
        state: State,
        *,
        forget: bool = False,
    ) -> None:
        """Each row against the trail's record; for `by_record`, what is left in `state`
        afterwards was removed; with `forget`, matched records leave `state` as they go."""
        problems = self.problems
        seen = []
        for raw, values, text, record in rows:
            known = state.get(record)
            if known is None:
                shown = record if len(keys) == 1 else form.shown(raw, keys)
                problems.append(
                    f"{name} {shown} is not on the trail: it was added outside Footprint."
                )
            else:
                seen.append(record)
                if known is ERASED:
                    shown = record if len(keys) == 1 else form.shown(raw, keys)
                    problems.append(
                        f"{name} {shown}: its entries on the trail were erased, and no "
                        "disposal says what it holds now: it was changed outside Footprint."
                    )
                    continue
                if isinstance(known, str):
                    if known == text:  # the usual case: the row is its one entry's text
                        continue
                    known = json.loads(known)
                if known == values:
                    continue
                shown = record if len(keys) == 1 else form.shown(raw, keys)
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


def _shard(key: Any, shards: int) -> int:
    return zlib.crc32(str(key).encode("utf-8")) % shards


def _replay(
    state: State,
    key: Any,
    action: str,
    text: str,
    changes: dict[str, Any] | None = None,
) -> None:
    """Fold one entry into what the trail says its record holds. An insert is kept as its
    stored text, read as JSON only when a later entry changes it (or its row differs). An
    erased entry makes the record unknown until its disposal's `dispose` entry, which says
    what it holds now (or that it was removed). Disposals never touch a record keyed by
    several columns (categories are kept), so those are folded as before."""
    if text.startswith(MARKER_PREFIX) and erased_by(text) is not None:
        state[key] = ERASED
    elif action == _DISPOSE:
        changes = json.loads(text) if changes is None else changes
        if changes.get("removed"):
            state.pop(key, None)
        else:
            state[key] = dict(changes.get("row") or {})
    elif action in _NEW:
        state[key] = text
    elif action == _DELETE:
        state.pop(key, None)
    else:
        if changes is None:
            changes = json.loads(text)
        known = state.get(key)
        if known is None or known is ERASED:
            return
        if isinstance(known, str):
            known = state[key] = json.loads(known)
        for column, (_before, after) in changes.items():
            known[column] = after


_RECORD_ACTIONS = frozenset(
    {Action.INSERT, Action.BASELINE, Action.UPDATE, Action.WITHDRAW, Action.DELETE, Action.DISPOSE}
)
_ACTIONS = tuple(sorted(str(action) for action in _RECORD_ACTIONS))
_NEW = frozenset({str(Action.INSERT), str(Action.BASELINE)})
_DELETE = str(Action.DELETE)
_DISPOSE = str(Action.DISPOSE)


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
    return encode({column: values.get(column) for column in pk})
