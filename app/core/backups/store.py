"""Where backups live, what each one is, and which are kept.

A backup is a copy of the SQLite log (`footprint-20261202T071500Z.sqlite3`) with a
manifest beside it (`….manifest.json`): when it was made, by which version of Footprint,
the schema revision, how many records of each kind it holds, the audit trail's
checkpoint, and the copy's SHA-256. The folder is `backups/` beside the log unless the
school chose another (a second drive or a network share: a backup there is fine, the
live log is not); the choice is kept beside the log, per PC.

Kept: every backup of the newest backup's day, and the newest backup of each of the last
7 days, of each of the last 4 weeks and of each of the last 12 months that have one; the
rest are removed with their manifests.
Copies taken before a schema upgrade are kept 3 deep.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app.core.clock import LONDON
from app.core.files import write_privately

PREFIX = "footprint-"
SUFFIX = ".sqlite3"
MANIFEST = ".manifest.json"
STAMP = "%Y%m%dT%H%M%SZ"
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
KEEP_BEFORE_UPGRADE = 3
#: Files and folders Footprint makes are the user's alone.
FILE_MODE, FOLDER_MODE = 0o600, 0o700


@dataclass(frozen=True)
class Backup:
    """One backup file and what its manifest says."""

    path: Path
    made_at: datetime
    manifest: dict[str, Any]

    @property
    def manifest_path(self) -> Path:
        return manifest_path(self.path)

    @property
    def checkpoint(self) -> str:
        return str(self.manifest.get("checkpoint") or "")

    @property
    def records(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in dict(self.manifest.get("records", {})).items()}


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST)


def backup_name(made_at: datetime) -> str:
    return f"{PREFIX}{made_at.strftime(STAMP)}{SUFFIX}"


def private_folder(folder: Path) -> Path:
    """Make `folder` (and parents) if needed; a folder Footprint makes is the user's only."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=FOLDER_MODE)
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask
    return folder


def _setting_file(log_path: Path) -> Path:
    return log_path.with_name(log_path.name + ".backups.json")


def backup_folder(log_path: Path) -> Path:
    """Where this log's backups go on this PC."""
    try:
        chosen = json.loads(_setting_file(log_path).read_text(encoding="utf-8"))["folder"]
        return Path(str(chosen))
    except (OSError, ValueError, KeyError, TypeError):
        return log_path.parent / "backups"


def choose_backup_folder(log_path: Path, folder: Path) -> None:
    """Send this log's backups to `folder` from now on (made if needed)."""
    private_folder(folder)
    write_privately(_setting_file(log_path), json.dumps({"folder": str(folder)}).encode())


def list_backups(folder: Path) -> list[Backup]:
    """The backups in `folder` that have a readable manifest, newest first."""
    found: list[Backup] = []
    if not folder.is_dir():
        return found
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        if "-before-" in path.name:
            continue  # a copy taken before a schema upgrade
        try:
            manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
            made_at = datetime.fromisoformat(str(manifest["made_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # half-written, or not Footprint's: never counted as a backup
        found.append(Backup(path, made_at, manifest))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def to_keep(backups: list[Backup]) -> set[Path]:
    """The backups rotation keeps: the newest of each of the last 7 days, 4 weeks and 12
    months (London time) that have one."""
    keep: set[Path] = set()
    if not backups:
        return keep
    newest = max(b.made_at for b in backups).astimezone(LONDON)
    # Everything from the newest backup's day: "Back up now" twice today keeps both.
    keep.update(b.path for b in backups if b.made_at.astimezone(LONDON).date() == newest.date())
    spans: list[tuple[int, Callable[[datetime], object], timedelta]] = [
        (KEEP_DAILY, lambda d: d.date(), timedelta(days=KEEP_DAILY)),
        (KEEP_WEEKLY, lambda d: tuple(d.isocalendar()[:2]), timedelta(weeks=KEEP_WEEKLY)),
        (KEEP_MONTHLY, lambda d: (d.year, d.month), timedelta(days=31 * KEEP_MONTHLY)),
    ]
    for count, period, reach in spans:
        seen: list[object] = []
        for backup in backups:  # newest first
            when = backup.made_at.astimezone(LONDON)
            if newest - when > reach:
                break
            key = period(when)
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                keep.add(backup.path)
    return keep


def prune(folder: Path) -> list[Path]:
    """Remove the backups rotation no longer keeps (and old pre-upgrade copies); returns
    what was removed."""
    backups = list_backups(folder)
    keep = to_keep(backups)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            backup.manifest_path.unlink(missing_ok=True)
            removed.append(backup.path)
    upgrades = sorted(folder.glob("*-before-*.sqlite3"), key=lambda p: p.name, reverse=True)
    for old in upgrades[KEEP_BEFORE_UPGRADE:]:
        old.unlink(missing_ok=True)
        removed.append(old)
    return removed
