"""When a backup is due, and how old the last one is."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.core.backups.store import Backup, backup_folder, list_backups
from app.core.clock import LONDON, utc_now

#: After this many days without a backup the dashboard says so.
STALE_AFTER_DAYS = 7


def last_backup(log_path: Path) -> Backup | None:
    """The newest backup of the log (with a manifest, so one that passed its check)."""
    backups = list_backups(backup_folder(log_path))
    return backups[0] if backups else None


def backup_due_today(log_path: Path, now: datetime | None = None) -> bool:
    """No backup yet on this London day: the first start of the day makes one."""
    last = last_backup(log_path)
    today = (now or utc_now()).astimezone(LONDON).date()
    return last is None or last.made_at.astimezone(LONDON).date() < today


def days_without_backup(log_path: Path, now: datetime | None = None) -> int | None:
    """Whole days since the last backup (None if there never was one)."""
    last = last_backup(log_path)
    if last is None:
        return None
    return ((now or utc_now()) - last.made_at).days
