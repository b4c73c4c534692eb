"""Which backups still hold a stored file that was destroyed, and removing them.

Destroying an image erases it from the log, but every backup made before still holds
it (encrypted, and rotation removes the last of them within 12 months). A backup is a
record of the log as it was, so Footprint does not edit one: it finds the backups (and
copies taken before an upgrade) that hold the file, and the DSL may delete them — after
which a new backup is made at once, so the log is never left without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.backups.store import backup_folder, list_backups, manifest_path
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


def backups_holding(log_path: Path, sha256: str, keys: LogKeys | None) -> Holding:
    """The backups of the log at `log_path` in which the file with this SHA-256 is still
    stored (not destroyed)."""
    holding: list[Path] = []
    unreadable: list[Path] = []
    for path in _copies(log_path):
        key = None if cipher.is_plain(path) else (keys.data_key if keys else None)
        try:
            connection = cipher.connect(path, key, readonly=True)
            try:
                row = connection.execute(
                    "SELECT 1 FROM evidence WHERE sha256 = ? AND content IS NOT NULL LIMIT 1",
                    (sha256,),
                ).fetchone()
            finally:
                connection.close()
        except cipher.Error:
            unreadable.append(path)
            continue
        if row is not None:
            holding.append(path)
    return Holding(holding, unreadable)


def remove_backups(paths: list[Path]) -> None:
    """Delete these backups and their manifests (overwritten first: a plain one would
    otherwise leave the image's bytes on the disk)."""
    for path in paths:
        cipher.secure_remove(path)
        manifest_path(path).unlink(missing_ok=True)
