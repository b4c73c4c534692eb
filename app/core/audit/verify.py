"""Checking the trail: the hash chain, the copy of its head kept outside the database,
checkpoints printed earlier, and every record against what the trail says it holds (so a
change made with a database tool, which no listener sees, is found too)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.core.audit.chain import (
    GENESIS,
    NOT_AUDITED,
    Action,
    canonical,
    chain_hash,
    entry_content,
    trail_value,
)
from app.core.audit.head import Checkpoint, load_head
from app.core.models import AuditEntry, Base


@dataclass
class Verification:
    """What `verify` found: `ok`, how many entries were checked, each problem, and notes
    that are not problems (the outside copy is behind and will catch up)."""

    entries: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checkpoint: Checkpoint | None = None  # the newest entry, to print or note down

    @property
    def ok(self) -> bool:
        return not self.problems


def current_checkpoint(session: Session) -> Checkpoint | None:
    """The trail's newest entry as a checkpoint (None for an empty trail)."""
    row = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return Checkpoint.of(row[0], row[1]) if row else None


def verify(
    session: Session,
    head_file: Path | None,
    *,
    checkpoints: tuple[Checkpoint, ...] = (),
    limit: int = 20,
) -> Verification:
    """Check the chain, the head kept outside the database, any checkpoints given, and
    every record against what the trail says it should hold.

    Footprint may go on saving meanwhile (the window, another PC): the outside copy is
    read *before* the trail, and the trail and the records are read in one snapshot of
    their own (REPEATABLE READ on PostgreSQL; one read transaction in SQLite's WAL), so
    work saved during the check is neither "removed" nor "added outside Footprint"."""
    head = load_head(head_file) if head_file is not None else None
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=connection) as snapshot:
            return _verify(snapshot, head_file, head, checkpoints, limit)


def _verify(
    session: Session,
    head_file: Path | None,
    head: tuple[int, str] | None,
    checkpoints: tuple[Checkpoint, ...],
    limit: int,
) -> Verification:
    result = Verification()
    expected_id, prev = 1, GENESIS
    state: dict[tuple[str, Any], dict[str, Any]] = {}
    keys = _primary_keys()
    wanted = {c.entry_id: c for c in checkpoints}
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(2000):
        result.entries += 1
        if entry.id != expected_id:
            result.problems.append(
                f"Entry {expected_id} is missing (the next is {entry.id}): entries were removed."
            )
        if entry.prev_hash != prev:
            result.problems.append(f"Entry {entry.id} does not follow on from the one before it.")
        content = entry_content(
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
        checkpoint = wanted.pop(entry.id, None)
        if checkpoint is not None and not checkpoint.matches(entry.hash):
            result.problems.append(
                f"Entry {entry.id} is not the one the checkpoint {checkpoint} was printed "
                "from: the trail was rewritten at or before it."
            )
        prev, expected_id = entry.hash, entry.id + 1
        if entry.table_name in keys and entry.action in _RECORD_ACTIONS:
            _replay(state, keys, entry.table_name, entry.action, entry.record_id, entry.changes)
        if len(result.problems) >= limit:
            return result
    if prev != GENESIS:
        result.checkpoint = Checkpoint.of(expected_id - 1, prev)
    for checkpoint in wanted.values():
        result.problems.append(
            f"The trail has no entry {checkpoint.entry_id}, but the checkpoint {checkpoint} "
            "was printed from it: entries were removed."
        )
    _check_head(session, head_file, head, result, expected_id - 1)
    _compare_records(session, state, result, limit)
    return result


def _replay(
    state: dict[tuple[str, Any], dict[str, Any]],
    keys: dict[str, list[str]],
    table: str,
    action: str,
    record_id: int | None,
    changes_text: str,
) -> None:
    changes = json.loads(changes_text)
    key = (table, _key(keys[table], record_id, changes))
    if action in (Action.INSERT, Action.BASELINE):
        state[key] = changes
    elif action == Action.DELETE:
        state.pop(key, None)
    elif key in state:
        for column, (_before, after) in changes.items():
            state[key][column] = after


def _check_head(
    session: Session,
    head_file: Path | None,
    head: tuple[int, str] | None,
    result: Verification,
    last: int,
) -> None:
    """The outside copy may be behind the trail (a crash between a commit and writing it;
    it catches up at the next start), never ahead of it or different. A new log's copy
    starts at entry 0, before its first entry is written."""
    if head_file is None:
        return
    if head is None:
        if session.get_bind().dialect.name == "postgresql":
            result.notes.append(
                "This PC has no copy of the trail's last entry yet: it is made when "
                "Footprint first starts here. Checkpoints still prove the trail."
            )
        elif last:
            result.problems.append(
                f"The copy of the trail's last entry kept outside the database "
                f"({head_file.name}) is missing."
            )
        return
    head_id, head_hash = head
    if head_id > last:
        result.problems.append(
            f"The trail ends at entry {last}, but entry {head_id} was written: entries at the "
            "end were removed."
        )
        return
    stored = (
        GENESIS
        if head_id == 0
        else session.scalar(select(AuditEntry.hash).where(AuditEntry.id == head_id))
    )
    if stored != head_hash:
        result.problems.append(
            f"Entry {head_id} differs from the copy kept outside the database: the trail was "
            "rewritten."
        )
    elif head_id < last:
        result.notes.append(
            f"The copy kept outside the database names entry {head_id} of {last}: it is behind "
            "(Footprint stopped before updating it) and catches up at the next start."
        )


_RECORD_ACTIONS = frozenset(
    {Action.INSERT, Action.BASELINE, Action.UPDATE, Action.WITHDRAW, Action.DELETE}
)


def audited_tables() -> dict[str, type[Any]]:
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in Base.registry.mappers
        if mapper.class_.__tablename__ not in NOT_AUDITED
    }


def _primary_keys() -> dict[str, list[str]]:
    return {
        table: [c.name for c in model.__table__.primary_key.columns]
        for table, model in audited_tables().items()
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
    for table, model in audited_tables().items():
        pk = [c.name for c in model.__table__.primary_key.columns]
        for row in session.execute(select(model.__table__)).mappings():
            values = {column: trail_value(column, value) for column, value in row.items()}
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
