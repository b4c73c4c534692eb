"""Making a backup while the log is open, and checking one.

SQLite's online backup API copies a consistent snapshot even while Footprint (or another
PC's reader) is using the log. An encrypted log's backup is encrypted with the same key
(its manifest names the key by its fingerprint), and the backups folder keeps a copy of
the key slots, so a backup opens with the same passwords or recovery key as the log. The
copy is written beside its final name, made private to the user, synced to disk, then
*verified before it counts*: it must open, pass `PRAGMA integrity_check`, hold the same
number of records of each kind as were counted in it, and match its SHA-256. Only then
is the manifest written, and a backup without a manifest is never listed or restored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__
from app.core.backups.store import (
    FILE_MODE,
    SUFFIX,
    Backup,
    backup_folder,
    backup_name,
    manifest_path,
    private_folder,
    prune,
)
from app.core.clock import utc_now
from app.core.errors import DatabaseError
from app.core.files import write_privately
from app.core.security import cipher

if TYPE_CHECKING:
    from app.core.security.logkeys import LogKeys

#: Tables counted in a manifest: the records a school would miss.
COUNTED = (
    "incident",
    "person",
    "evidence",
    "chronology_entry",
    "deletion_request",
    "escalation",
    "letter",
    "app_user",
    "audit_entry",
)


@dataclass
class BackupCheck:
    """What checking a backup found: `ok`, and each problem in words."""

    path: Path
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _counts(connection: Any) -> dict[str, int]:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    return {
        table: int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        for table in COUNTED
        if table in tables
    }


def _facts(connection: Any) -> tuple[str | None, str]:
    """The schema revision and the trail's checkpoint held in a copy."""
    from app.core.audit.head import Checkpoint

    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except cipher.Error:
        revision = None
    try:
        last = connection.execute(
            "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1"
        ).fetchone()
    except cipher.Error:
        last = None
    checkpoint = str(Checkpoint.of(last[0], last[1])) if last else ""
    return (revision[0] if revision else None), checkpoint


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def create_backup(
    log_path: Path,
    *,
    folder: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    rotate: bool = True,
    keys: LogKeys | None = None,
) -> Backup:
    """Back the SQLite log at `log_path` up (encrypted with `keys`' data key, if the log
    is), verify the copy, write its manifest, and (with `rotate`) prune what rotation no
    longer keeps. DatabaseError with the reason if it can't."""
    if not log_path.is_file():
        raise DatabaseError(f"There is no log at {log_path} to back up.")
    made_at = now or utc_now()
    target_folder = private_folder(folder or backup_folder(log_path))
    target = target_folder / backup_name(made_at)
    number = 1
    while target.exists() or manifest_path(target).exists():  # two in one second
        number += 1
        target = target_folder / backup_name(made_at).replace(SUFFIX, f"-{number}{SUFFIX}")
    partial = target.with_name(target.name + ".part")
    key = keys.data_key if keys is not None else None
    try:
        if keys is not None:  # first: a backup must never be there without what opens it
            keys.save_copy(folder=target_folder)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        os.close(descriptor)
        source = cipher.connect(log_path, key, readonly=True)
        try:
            copy = cipher.connect(partial, key)
            try:
                source.backup(
                    copy,
                    pages=1024,
                    progress=(lambda _status, left, total: progress(total - left, total))
                    if progress
                    else None,
                )
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                counts = _counts(copy)
                revision, checkpoint = _facts(copy)
            finally:
                copy.close()
        finally:
            source.close()
        _sync(partial)
        os.replace(partial, target)
    except cipher.Error as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"The backup could not be made ({_reason(exc)}).") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            f"The backup could not be written to {target_folder} ({exc.strerror or exc})."
        ) from None
    manifest: dict[str, Any] = {
        "made_at": made_at.isoformat(),
        "footprint": __version__,
        "schema_revision": revision,
        "records": counts,
        "checkpoint": checkpoint,
        "sha256": sha256_of(target),
        "bytes": target.stat().st_size,
        "key_id": keys.key_id if keys is not None else None,
    }
    backup = Backup(target, made_at, manifest)
    check = _check(target, manifest, key)
    if not check.ok:
        target.unlink(missing_ok=True)
        raise DatabaseError("The backup failed its check and was removed: " + check.problems[0])
    _write_manifest(target, manifest)
    if rotate:
        prune(target_folder)
    return backup


def _write_manifest(target: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=1, sort_keys=True)
    write_privately(manifest_path(target), text.encode("utf-8"))


def verify_backup(backup: Backup, keys: LogKeys | None = None) -> BackupCheck:
    """Check a backup against its manifest: fingerprint, key, integrity and record counts."""
    return _check(backup.path, backup.manifest, keys.data_key if keys is not None else None)


def _check(path: Path, manifest: dict[str, Any], key: bytes | None) -> BackupCheck:
    from app.core.security.keyslots import key_fingerprint

    check = BackupCheck(path)
    if not path.is_file():
        check.problems.append(f"{path.name} is missing.")
        return check
    wanted = manifest.get("key_id")
    if wanted and key is None:
        check.problems.append(f"{path.name} is encrypted: sign in to check it.")
        return check
    if wanted and key is not None and key_fingerprint(key) != wanted:
        check.problems.append(
            f"{path.name} is encrypted with another key than this log's, so it can't be "
            "opened here."
        )
        return check
    if not wanted:
        key = None  # a plain backup (from before the log was encrypted)
    if sha256_of(path) != manifest.get("sha256"):
        check.problems.append(f"{path.name} has changed since it was made (its SHA-256 differs).")
        return check
    try:
        connection = cipher.connect(path, key, readonly=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                check.problems.append(f"{path.name} is damaged (SQLite's integrity check).")
                return check
            counts = _counts(connection)
        finally:
            connection.close()
    except cipher.Error as exc:
        check.problems.append(f"{path.name} can't be opened ({_reason(exc)}).")
        return check
    if counts != manifest.get("records"):
        check.problems.append(f"{path.name} doesn't hold the records its manifest lists.")
    return check


def _reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "full" in text:
        return "the disk is full"
    if "not a database" in text or "malformed" in text:
        return "the file is damaged"
    if "unable to open" in text or "readonly" in text:
        return "the file or folder can't be written or read"
    return "the database reported an error"
