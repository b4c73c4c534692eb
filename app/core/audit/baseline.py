"""The baseline: what a log held when its trail began, put on the trail once.

It is written by the migration that introduces the trail (and only there), so an older
log starts its trail with every record it already had. An ordinary start never writes
one: a trail that was emptied, or whose outside copy went missing, on a log that holds
records is reported by `verify`, never papered over with a fresh baseline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    MetaData,
    Table,
    func,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.engine import Connection

from app.core.audit.chain import NOT_AUDITED, Action, PendingEntry, append, mark, trail_value
from app.core.audit.raw import RowForm, quote
from app.core.models import Base


def write_baseline(
    connection: Connection,
    *,
    chunk: int = 5_000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Put every row of every table but the trail's own on the trail as a "baseline"
    entry, reading the tables as they are in the database now (a migration's schema, not
    the models'). Returns how many entries were written.

    Each table is read in key order a chunk at a time (keyset: after the last key of the
    chunk before), so memory holds one chunk however large the log; `progress(done,
    total)` is told how many rows are on the trail so far."""
    metadata = MetaData()
    metadata.reflect(connection, only=lambda name, _metadata: _is_record_table(name))
    tables = [metadata.tables[name] for name in sorted(metadata.tables)]
    total = sum(connection.scalar(select(func.count()).select_from(table)) or 0 for table in tables)
    written = 0
    for table in tables:
        form = _raw_form(connection, table)
        if form is not None:
            written = _write_raw(connection, table, form, chunk, written, total, progress)
            continue
        keys = list(table.primary_key.columns) or list(table.columns)
        names = [key.name for key in keys]
        after: tuple[Any, ...] | None = None
        while True:
            query = select(*_as_the_models_read(table)).order_by(*keys).limit(chunk)
            if after is not None:
                query = query.where(tuple_(*keys) > tuple_(*after))
            rows = connection.execute(query).all()
            if not rows:
                break
            batch = []
            for row in rows:
                values = {key: trail_value(key, value) for key, value in row._mapping.items()}
                record = values[names[0]] if len(names) == 1 else None
                batch.append(PendingEntry(None, Action.BASELINE, table.name, record, values))
            append(connection, batch)
            written += len(batch)
            if progress is not None:
                progress(written, total)
            after = tuple(rows[-1]._mapping[name] for name in names)  # the next chunk's start
    return written


def _raw_form(connection: Connection, table: Table) -> RowForm | None:
    """The fast reader for a table the models declare with exactly these columns and one
    whole-number key (every table of records but the categories), else None: such rows
    read raw are put in the trail's form as `verify` reads them (`RowForm.read` gives
    `trail_value` and `canonical`'s text, going through the types for anything unusual)."""
    model = Base.metadata.tables.get(table.name)
    if model is None or {c.name for c in model.columns} != {c.name for c in table.columns}:
        return None
    keys = list(model.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, Integer):
        return None
    return RowForm(connection, model)


def _write_raw(
    connection: Connection,
    table: Table,
    form: RowForm,
    chunk: int,
    written: int,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """`write_baseline` for one table through `form`, in keyset chunks of its key."""
    key = next(iter(table.primary_key.columns)).name
    at, column, m = form.index(key), quote(connection, key), mark(connection)
    after: Any = None
    while True:
        where = "" if after is None else f" WHERE {column} > {m}"
        query = f"{form.select}{where} ORDER BY {column} LIMIT {chunk:d}"
        rows = connection.exec_driver_sql(query, () if after is None else (after,)).all()
        if not rows:
            return written
        batch = []
        for raw in rows:
            values, text = form.read(raw)
            record = raw[at]
            entry = PendingEntry(None, Action.BASELINE, table.name, record, values, text=text)
            batch.append(entry)
        append(connection, batch)
        written += len(batch)
        if progress is not None:
            progress(written, total)
        after = rows[-1][at]


def _as_the_models_read(table: Table) -> list[ColumnElement[Any]]:
    """The table's columns, each read with the model's type where the model has it (times
    as aware UTC, as the trail and `verify` see them), without changing the SQL."""
    model = Base.metadata.tables.get(table.name)
    columns: list[ColumnElement[Any]] = []
    for column in table.columns:
        known = model.columns.get(column.name) if model is not None else None
        columns.append(
            type_coerce(column, known.type).label(column.name) if known is not None else column
        )
    return columns


def _is_record_table(name: str) -> bool:
    """Tables of records: not the trail, the counters or the search index (derived)."""
    return name not in NOT_AUDITED and not name.startswith(("incident_search", "sqlite_"))
