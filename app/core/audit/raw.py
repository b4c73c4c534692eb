"""Rows straight from the database driver, put in the trail's form without SQLAlchemy's
type layer: `verify` reads every row of the log, and converting each value there (then
again into the trail's form) was most of its time.

Each fast path gives exactly what the type layer and `trail_value` give for the values
Footprint writes (whole numbers, text, None, SQLite's time and date text, vocabulary
values); anything else goes through them, so a value changed to something odd with a
database tool reads as it always did."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Date, LargeBinary, Table
from sqlalchemy.engine import Connection, Dialect

from app.core.audit.chain import SECRET_COLUMNS, canonical, trail_value
from app.core.models.base import UTCDateTime, VocabType

Convert = Callable[[Any], Any]


def _encoder() -> Callable[[Any], str]:
    """`canonical`, its encoder made once: `json.dumps` makes one (and a dict of what it
    has seen, against cycles a row cannot have) at every call, a third of the cost."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the same text, more slowly
        return json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
    fast = make(None, _refuse, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    return lambda value: "".join(fast(value, 0))


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")


encode = _encoder()
# How SQLAlchemy writes times and dates in SQLite (microseconds always six digits).
_SQLITE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")
_SQLITE_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def stream(connection: Connection, sql: str, params: tuple[Any, ...], size: int) -> Iterator[Any]:
    """Rows of plain SQL as the driver gives them, `size` at a time (a server-side cursor
    on PostgreSQL, so a long result is never held whole)."""
    options = {"stream_results": True, "yield_per": size}
    yield from connection.exec_driver_sql(sql, params, execution_options=options)


def converter(column: Column[Any], dialect: Dialect) -> Convert | None:
    """How to put `column`'s raw value in the trail's form, or None when the raw value
    already is (the JSON encoder refuses any type it does not know: `RowForm.read`)."""
    processor = column.type._cached_result_processor(dialect, None)
    name = column.name

    def generic(value: Any) -> Any:
        return trail_value(name, value if processor is None else processor(value))

    kind = column.type
    if name in SECRET_COLUMNS or isinstance(kind, LargeBinary):
        return generic
    if isinstance(kind, VocabType):
        members = frozenset(member.value for member in kind.enum)
        return lambda v: v if v is None or (v.__class__ is str and v in members) else generic(v)
    if isinstance(kind, UTCDateTime):
        return _when(dialect, generic)
    if isinstance(kind, Date):
        return _day(dialect, generic)
    if isinstance(kind, Boolean) and processor is not None:
        return processor  # a bool or None, which the trail keeps as is
    return None if processor is None else generic


def _when(dialect: Dialect, generic: Convert) -> Convert:
    if dialect.name == "sqlite":

        def when(v: Any) -> Any:
            if v.__class__ is str and _SQLITE_TIME.fullmatch(v):
                end = 19 if v.endswith(".000000") else 26  # isoformat drops zero microseconds
                return f"{v[:10]}T{v[11:end]}+00:00"
            return None if v is None else generic(v)

        return when

    def aware(v: Any) -> Any:
        if v.__class__ is datetime and v.tzinfo is not None:
            return v.astimezone(UTC).isoformat()
        return None if v is None else generic(v)

    return aware


def _day(dialect: Dialect, generic: Convert) -> Convert:
    if dialect.name == "sqlite":
        return lambda v: v if v.__class__ is str and _SQLITE_DAY.fullmatch(v) else generic(v)
    return lambda v: v.isoformat() if v.__class__ is date else generic(v)


class RowForm:
    """One table's rows read raw, in the trail's form: the values as a dict (what `verify`
    compares column by column) and their canonical text (what an insert or baseline entry
    stores, so a record matching its only entry is decided by comparing two strings)."""

    def __init__(self, connection: Connection, table: Table) -> None:
        dialect = connection.dialect
        columns = sorted(table.columns, key=lambda c: c.name)  # the canonical text's order
        self.names = [c.name for c in columns]
        self.columns, self.dialect = columns, dialect
        self.converts = [
            (i, convert) for i, c in enumerate(columns) if (convert := converter(c, dialect))
        ]
        self.generic_row = [_generic(c, dialect) for c in columns]
        self.select = f"SELECT {', '.join(quote(connection, n) for n in self.names)} FROM " + quote(
            connection, table.name
        )

    def index(self, name: str) -> int:
        return self.names.index(name)

    def read(self, raw: Any) -> tuple[dict[str, Any], str]:
        """A raw row's values and canonical text, as `trail_value` and `canonical` give."""
        values = list(raw)
        for i, convert in self.converts:
            values[i] = convert(values[i])
        mapping = dict(zip(self.names, values, strict=True))
        try:
            return mapping, encode(mapping)
        except (TypeError, ValueError):  # a type the fast path does not know: ask the types
            mapping = {
                name: convert(value)
                for name, convert, value in zip(self.names, self.generic_row, raw, strict=True)
            }
            return mapping, canonical(mapping)

    def shown(self, raw: Any, keys: list[str]) -> str:
        """A record keyed by several columns as messages name it ("5, praise")."""
        shown = []
        for key in keys:
            column = self.columns[self.index(key)]
            processor = column.type._cached_result_processor(self.dialect, None)
            value = raw[self.index(key)]
            shown.append(str(value if processor is None else processor(value)))
        return ", ".join(shown)


def _generic(column: Column[Any], dialect: Dialect) -> Convert:
    """The type layer's value, then `trail_value`: the slow path that decides."""
    processor = column.type._cached_result_processor(dialect, None)
    name = column.name
    if processor is None:
        return lambda v: trail_value(name, v)
    return lambda v: trail_value(name, processor(v))
