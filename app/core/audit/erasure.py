"""Erasing entries from the trail when records are disposed of, so that it stays
verifiable (docs/architecture.md, "Retention and disposal").

An erased entry keeps its number, time, user, action, table, record, previous hash and
hash; only its `changes` (the values before and after) become a marker naming the
disposal: `{"disposal":12,"erased":true}`. The database accepts that one change and no
other (a trigger). The disposal then appends, in the same transaction:

- for each record it erased or removed, a `dispose` entry saying what the record holds
  now (its whole row, in the trail's form, or that it was removed), which `verify`
  folds as the record's new state (the erased entries before it count as unknown);
- one `erasure` entry listing every entry it erased with the hash the entry had (which
  the next entry's `prev_hash` still names) and the hash of the entry as it now stands.

`verify` accepts an entry whose hash no longer matches its content only if its changes
are a marker and a *later* `erasure` entry of the disposal the marker names lists that
entry with exactly that hash and that hash of what is left: so the kept fields can't be
edited afterwards, a marker can't be moved to another disposal, and an entry erased
without a disposal (or a vouching entry edited) is reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from app.core.audit.chain import Action, PendingEntry, canonical, mark, stored_content
from app.core.audit.raw import RowForm, converter, quote
from app.core.models import Base

MARKER_PREFIX = '{"disposal":'
MARKER_SUFFIX = ',"erased":true}'
#: Where a disposal's own entries are filed on the trail.
DISPOSAL_TABLE = "retention_disposal"
#: Records read or erased at a time.
CHUNK = 500


def marker(disposal_id: int) -> str:
    """The `changes` of an entry the disposal erased (canonical JSON)."""
    return canonical({"disposal": disposal_id, "erased": True})


def erased_by(changes: str) -> int | None:
    """The disposal an erased entry names, or None for an entry that was not erased."""
    if not (changes.startswith(MARKER_PREFIX) and changes.endswith(MARKER_SUFFIX)):
        return None
    number = changes[len(MARKER_PREFIX) : -len(MARKER_SUFFIX)]
    return int(number) if number.isascii() and number.isdigit() else None


def standing_hash(prev_hash: str, fields: tuple[Any, ...]) -> str:
    """The hash of an entry as it stands (after `prev_hash`, like the chain's hash):
    (id, at, user, action, table, record, changes), `at` in the trail's text form."""
    content = stored_content(*fields)
    return hashlib.sha256(f"{prev_hash}{content}".encode()).hexdigest()


def erase_entries(
    connection: Connection, disposal_id: int, records: Mapping[str, Iterable[int]]
) -> dict[int, tuple[str, str]]:
    """Replace the changes of every entry about these records (table → record numbers)
    by the disposal's marker. Returns, for each entry erased, (its hash, the hash of what
    is left). Entries erased before (by an earlier disposal) are left as they are."""
    m = mark(connection)
    when = converter(Base.metadata.tables["audit_entry"].c.at, connection.dialect) or str
    new_changes = marker(disposal_id)
    erased: dict[int, tuple[str, str]] = {}
    for table_name, ids in records.items():
        numbers = sorted(set(ids))
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            rows = connection.exec_driver_sql(
                "SELECT id, at, user_id, action, table_name, record_id, changes, prev_hash, "
                f"hash FROM audit_entry WHERE table_name = {m} AND record_id IN "
                f"({', '.join([m] * len(chunk))}) ORDER BY id",
                (table_name, *chunk),
            ).all()
            updates = []
            for entry_id, at, user, action, table, record, changes, prev_hash, digest in rows:
                if erased_by(changes) is not None:
                    continue
                fields = (entry_id, when(at), user, action, table, record, new_changes)
                erased[entry_id] = (digest, standing_hash(prev_hash, fields))
                updates.append((new_changes, entry_id))
            if updates:
                connection.exec_driver_sql(
                    f"UPDATE audit_entry SET changes = {m} WHERE id = {m}", updates
                )
    return erased


def record_states(
    connection: Connection, table: Table, ids: Iterable[int]
) -> dict[int, dict[str, Any]]:
    """Records as they stand, in the trail's form (what `verify` compares them with)."""
    form = RowForm(connection, table)
    (key,) = [c.name for c in table.primary_key.columns]
    at, column, m = form.index(key), quote(connection, key), mark(connection)
    numbers = sorted(set(ids))
    states: dict[int, dict[str, Any]] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        where = f" WHERE {column} IN ({', '.join([m] * len(chunk))})"
        for raw in connection.exec_driver_sql(form.select + where, tuple(chunk)):
            states[raw[at]] = form.read(raw)[0]
    return states


def state_entries(
    user_id: int | None,
    disposal_id: int,
    table_name: str,
    states: Mapping[int, dict[str, Any] | None],
) -> list[PendingEntry]:
    """A `dispose` entry per record: what it holds now (None: it was removed)."""
    return [
        PendingEntry(
            user_id,
            Action.DISPOSE,
            table_name,
            record_id,
            {"disposal": disposal_id, "removed": True}
            if row is None
            else {"disposal": disposal_id, "row": row},
        )
        for record_id, row in sorted(states.items())
    ]


def vouching_entry(
    user_id: int | None, disposal_id: int, erased: Mapping[int, tuple[str, str]]
) -> PendingEntry:
    """The `erasure` entry: every entry the disposal erased, with its hash and the hash
    of what is left of it."""
    return PendingEntry(
        user_id,
        Action.ERASURE,
        DISPOSAL_TABLE,
        disposal_id,
        {
            "disposal": disposal_id,
            "entries": {str(i): [digest, left] for i, (digest, left) in sorted(erased.items())},
        },
    )
