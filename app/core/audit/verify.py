"""Checking the trail: the hash chain, the copy of its head kept outside the database,
checkpoints printed earlier, and every record against what the trail says it holds (so a
change made with a database tool, which no listener sees, is found too).

Everything is read in chunks, so memory stays flat however long the trail: the chain is
walked in entry order here, then the records table by table (`fold`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.core.audit.chain import GENESIS, Action, chain_hash, entry_content, mark, stored_content
from app.core.audit.erasure import erased_by, standing_hash
from app.core.audit.fold import RecordWalk, audited_tables
from app.core.audit.head import Checkpoint, load_head
from app.core.audit.raw import converter
from app.core.mis_import.records import ImportCancelled
from app.core.models import AuditEntry, Base

#: Entries read at a time for the chain.
CHAIN_CHUNK = 10_000
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class VerifyCancelled(ImportCancelled):
    """The user stopped the check (the window treats it as any cancelled work)."""


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
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Verification:
    """Check the chain, the head kept outside the database, any checkpoints given, and
    every record against what the trail says it should hold. `progress(done, total)` is
    told how far it has got (entries, then records); `cancelled()` True stops it with
    `VerifyCancelled`.

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
            run = _Run(snapshot, limit, progress, cancelled)
            return run.verify(head_file, head, checkpoints)


class _Run(RecordWalk):
    """One check: the snapshot read, what was found, and how far it has got."""

    def __init__(
        self,
        session: Session,
        limit: int,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        self.session = session
        # Core, not the ORM's loading: rows are read as plain tuples.
        self.connection = session.connection()
        self.limit = limit
        self.result = Verification()
        self.problems = self.result.problems
        self.progress = progress or (lambda _done, _total: None)
        self.cancelled = cancelled or (lambda: False)
        self.done = self.total = 0

    def full(self) -> bool:
        return len(self.result.problems) >= self.limit

    def step(self, amount: int) -> None:
        """Count work done, tell the caller, and stop if the user asked."""
        self.done += amount
        self.progress(min(self.done, self.total), self.total)
        if self.cancelled():
            raise VerifyCancelled

    def verify(
        self,
        head_file: Path | None,
        head: tuple[int, str] | None,
        checkpoints: tuple[Checkpoint, ...],
    ) -> Verification:
        session, result = self.session, self.result
        tables = audited_tables()
        newest = session.scalar(select(func.max(AuditEntry.id))) or 0
        rows = sum(
            session.scalar(select(func.count()).select_from(t)) or 0 for t in tables.values()
        )
        self.total = newest + rows
        last = self._chain(checkpoints)
        if not self.full():
            _check_head(session, head_file, head, result, last)
            self.records()
        self.progress(self.total, self.total)  # done, even when enough was found early
        return result

    # --- The chain -----------------------------------------------------------------------

    def _chain(self, checkpoints: tuple[Checkpoint, ...]) -> int:
        """Walk the chain; returns the newest entry's number (0 for an empty trail)."""
        result, problems = self.result, self.result.problems
        expected_id: int = 1
        prev = GENESIS
        wanted = {c.entry_id: c for c in checkpoints}
        # Plain SQL, values as the driver gives them: the time put in the trail's form
        # directly (`raw`), once for the entries of one save (they share it).
        when = converter(Base.metadata.tables["audit_entry"].c.at, self.connection.dialect) or str
        query = (
            "SELECT id, at, user_id, action, table_name, record_id, changes, prev_hash, hash "
            f"FROM audit_entry WHERE id > {mark(self.connection)} ORDER BY id "
            f"LIMIT {CHAIN_CHUNK:d}"
        )
        after, raw_at, at = 0, None, ""
        # Erased entries met so far and not yet vouched for by their disposal's `erasure`
        # entry (which comes later): number → (disposal, hash, hash of what is left).
        erased: dict[int, tuple[int, str, str]] = {}
        while True:
            chunk = self.connection.exec_driver_sql(query, (after,)).all()
            if not chunk:
                break
            for (
                entry_id,
                stored_at,
                user,
                action,
                table,
                record,
                changes,
                prev_hash,
                digest,
            ) in chunk:
                result.entries += 1
                if entry_id != expected_id:
                    problems.append(
                        f"Entry {expected_id} is missing (the next is {entry_id}): entries "
                        "were removed."
                    )
                if prev_hash != prev:
                    problems.append(f"Entry {entry_id} does not follow on from the one before it.")
                if stored_at != raw_at:
                    raw_at, at = stored_at, when(stored_at)
                fields = (entry_id, at, user, action, table, record, changes)
                if not _hashes_to(prev_hash, fields, digest):
                    disposal = erased_by(changes)
                    if disposal is None:
                        problems.append(f"Entry {entry_id} has been altered since it was written.")
                    else:
                        erased[entry_id] = (disposal, digest, standing_hash(prev_hash, fields))
                elif action == _ERASURE:
                    self._vouched(entry_id, changes, erased)
                if wanted:
                    checkpoint = wanted.pop(entry_id, None)
                    if checkpoint is not None and not checkpoint.matches(digest):
                        problems.append(
                            f"Entry {entry_id} is not the one the checkpoint {checkpoint} was "
                            "printed from: the trail was rewritten at or before it."
                        )
                prev, expected_id = digest, entry_id + 1
                if self.full():
                    return expected_id - 1
            after = chunk[-1][0]
            self.step(len(chunk))
        for entry_id, (disposal, _digest, _left) in sorted(erased.items())[: self.limit]:
            problems.append(
                f"Entry {entry_id} was erased, but no disposal on the trail vouches for it "
                f"(its marker names disposal {disposal}): it was erased outside Footprint."
            )
        if prev != GENESIS:
            result.checkpoint = Checkpoint.of(expected_id - 1, prev)
        for checkpoint in wanted.values():
            problems.append(
                f"The trail has no entry {checkpoint.entry_id}, but the checkpoint {checkpoint} "
                "was printed from it: entries were removed."
            )
        return expected_id - 1

    def _vouched(
        self, vouching: int, changes: str, erased: dict[int, tuple[int, str, str]]
    ) -> None:
        """A disposal's `erasure` entry: each entry it lists must be one erased before it,
        by that disposal, with the hash the chain names and the hash of what is left."""
        data = json.loads(changes)
        disposal = data.get("disposal")
        for number, (digest, left) in data.get("entries", {}).items():
            found = erased.pop(int(number), None)
            if found is None:
                self.problems.append(
                    f"Entry {vouching} (a disposal) names entry {number} as erased, but that "
                    "entry is not erased: the trail was changed after the disposal."
                )
            elif found != (disposal, digest, left):
                self.problems.append(
                    f"Entry {number} is not as disposal {disposal} left it when it was "
                    "erased: it was changed afterwards."
                )


_ERASURE = str(Action.ERASURE)


def _hashes_to(prev_hash: str, fields: tuple[Any, ...], digest: str) -> bool:
    """Whether the entry's content, after `prev_hash`, hashes to `digest`: spliced from the
    stored text first, read as JSON only if that does not match (text written otherwise
    than `append` writes it)."""
    try:
        content = stored_content(*fields)
    except (TypeError, ValueError):
        pass
    else:
        if sha256(f"{prev_hash}{content}".encode()).hexdigest() == digest:  # `chain_hash`
            return True
    return chain_hash(prev_hash, entry_content(*fields)) == digest


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
