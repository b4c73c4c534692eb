"""Putting a backup back, when Footprint is not using the log.

The backup is checked first; the log as it is now is backed up too (if it still opens),
so a restore can itself be undone; the backup is copied beside the log, synced, and
renamed over it; the copy is checked again where it now lives; and the copy of the
audit trail's head kept beside the log is set to the restored trail's newest entry (the
log went back in time, and its outside copy goes back with it). The restore is then put
on the trail by whoever asked for it (`record_restore`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.audit.head import reset_head
from app.core.backups.make import _check, _sync, create_backup
from app.core.backups.store import FILE_MODE, Backup, prune
from app.core.errors import DatabaseError
from app.core.security import cipher

if TYPE_CHECKING:
    from app.core.security.logkeys import LogKeys


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup put back, and the copy of the log taken first."""

    backup: Backup
    previous: Backup | None


def restore_backup(
    log_path: Path, backup: Backup, head_file: Path | None, keys: LogKeys | None = None
) -> Restored:
    """Replace the (closed) log at `log_path` with `backup` (an encrypted log's backups
    open with its `keys`). DatabaseError, with the log untouched, if the backup fails its
    check or can't be copied."""
    key = keys.data_key if keys is not None else None
    check = _check(backup.path, backup.manifest, key)
    if not check.ok:
        raise DatabaseError("That backup can't be restored: " + check.problems[0])
    if key is not None and not backup.manifest.get("key_id"):
        raise DatabaseError(
            "That backup can't be restored: it is from before the log was encrypted, and "
            "was not encrypted with it."
        )
    previous = None
    current_key = None if cipher.is_plain(log_path) else key
    if log_path.is_file() and log_path.stat().st_size > 0 and _opens(log_path, current_key):
        # So the restore can be undone; not rotated yet, which could remove the very
        # backup being restored.
        previous = create_backup(
            log_path, rotate=False, keys=keys if current_key is not None else None
        )
    partial = log_path.with_name(log_path.name + ".restoring")
    try:
        partial.unlink(missing_ok=True)  # private before a byte of the backup is copied
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        shutil.copyfile(backup.path, partial)
        os.chmod(partial, FILE_MODE)
        _sync(partial)
        for leftover in (Path(f"{log_path}-wal"), Path(f"{log_path}-shm")):
            leftover.unlink(missing_ok=True)  # they belong to the log being replaced
        os.replace(partial, log_path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            f"The backup could not be put in place ({exc.strerror or exc}); the log is as it was."
        ) from None
    placed = _check(log_path, backup.manifest, key)
    if not placed.ok:
        raise DatabaseError("The restored log failed its check: " + placed.problems[0])
    if head_file is not None:
        _reset_outside_copy(log_path, head_file, key)
    if previous is not None:
        prune(previous.path.parent)
    return Restored(backup, previous)


def _opens(path: Path, key: bytes | None) -> bool:
    try:
        connection = cipher.connect(path, key, readonly=True)
        try:
            return bool(connection.execute("PRAGMA quick_check").fetchone()[0] == "ok")
        finally:
            connection.close()
    except cipher.Error:
        return False


def _reset_outside_copy(log_path: Path, head_file: Path, key: bytes | None) -> None:
    try:
        connection = cipher.connect(log_path, key, readonly=True)
    except cipher.Error:
        return
    try:
        last = connection.execute(
            "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1"
        ).fetchone()
    except cipher.Error:
        last = None
    finally:
        connection.close()
    if last is None:
        head_file.unlink(missing_ok=True)
    else:
        reset_head(head_file, int(last[0]), str(last[1]))
