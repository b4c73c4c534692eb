"""Which backups still hold something the log erased (a stored file that was destroyed,
incidents disposed of under the retention rules), and removing them.

Erasing from the log leaves every backup made before still holding it (encrypted, and
rotation removes the last of them within 12 months). A backup is a record of the log as
it was, so Footprint does not edit one: it finds the backups (and copies taken before an
upgrade) that hold it, and the DSL may delete them — after which a new backup is made at
once, so the log is never left without one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.backups.make import create_backup
from app.core.backups.store import Backup, backup_folder, list_backups, manifest_path
from app.core.security import cipher

if TYPE_CHECKING:
    from app.core.security.logkeys import LogKeys


@dataclass(frozen=True)
class Holding:
    """Backups that still hold a destroyed file, and those that couldn't be looked in."""

    files: list[Path]
    unreadable: list[Path]


def _copies(log_path: Path) -> list[Path]:
    folders = dict.fromkeys((backup_folder(log_path), log_path.parent / "backups"))
    found: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        found += [backup.path for backup in list_backups(folder)]
        found += sorted(folder.glob("*-before-*.sqlite3"))
    return found


def _holding(log_path: Path, keys: LogKeys | None, holds: Callable[[Any], bool]) -> Holding:
    """The backups for which `holds(connection)` is true."""
    holding: list[Path] = []
    unreadable: list[Path] = []
    for path in _copies(log_path):
        key = None if cipher.is_plain(path) else (keys.data_key if keys else None)
        try:
            connection = cipher.connect(path, key, readonly=True)
            try:
                found = holds(connection)
            finally:
                connection.close()
        except cipher.Error:
            unreadable.append(path)
            continue
        if found:
            holding.append(path)
    return Holding(holding, unreadable)


def backups_holding(log_path: Path, sha256: str, keys: LogKeys | None) -> Holding:
    """The backups of the log at `log_path` in which the file with this SHA-256 is still
    stored (not destroyed)."""

    def holds(connection: Any) -> bool:
        row = connection.execute(
            "SELECT 1 FROM evidence WHERE sha256 = ? AND content IS NOT NULL LIMIT 1",
            (sha256,),
        ).fetchone()
        return row is not None

    return _holding(log_path, keys, holds)


def backups_holding_disposed(
    log_path: Path, incident_ids: Sequence[int], keys: LogKeys | None
) -> Holding:
    """The backups in which any of these incidents (disposed of in the log) is still
    whole: made before its disposal, they hold everything the disposal erased."""
    ids = sorted(set(incident_ids))

    def holds(connection: Any) -> bool:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(incident)")}
        # A backup from before retention existed has no disposal time: all it holds is whole.
        whole = " AND disposed_at IS NULL" if "disposed_at" in columns else ""
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT 1 FROM incident WHERE id IN ({marks}){whole} LIMIT 1"
            if connection.execute(sql, chunk).fetchone() is not None:
                return True
        return False

    return _holding(log_path, keys, holds) if ids else Holding([], [])


@dataclass(frozen=True)
class Replaced:
    """A backup made without what was erased, and what became of the old ones."""

    made: Backup
    removed: list[str]
    left: list[str]  # could not be deleted: they still hold it


def replace_backups(log_path: Path, paths: list[Path], keys: LogKeys | None) -> Replaced:
    """Back the log up as it is now (never leaving it without a backup), then delete
    `paths` (overwritten first)."""
    made = create_backup(log_path, keys=keys)
    removed: list[str] = []
    left: list[str] = []
    for path in paths:
        if path == made.path:  # rotation may give the new backup a freed name
            continue
        try:
            remove_backups([path])
        except OSError:
            left.append(path.name)
            continue
        removed.append(path.name)
    return Replaced(made, removed, left)


def remove_backups(paths: list[Path]) -> None:
    """Delete these backups and their manifests (overwritten first: a plain one would
    otherwise leave the image's bytes on the disk)."""
    for path in paths:
        cipher.secure_remove(path)
        manifest_path(path).unlink(missing_ok=True)
