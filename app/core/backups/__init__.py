"""Backups of a SQLite log: made online and verified before they count (`make`), kept by
rotation in a folder the school chooses (`store`), checked and put back (`restore`),
and made automatically on the first start of each day and when the window closes
(`due`). A PostgreSQL log is the server's to back up (`pg_dump`; see the README)."""

from __future__ import annotations

from app.core.backups.due import (
    STALE_AFTER_DAYS,
    backup_due_today,
    days_without_backup,
    last_backup,
)
from app.core.backups.holding import (
    Holding,
    Replaced,
    backups_holding,
    backups_holding_disposed,
    remove_backups,
    replace_backups,
)
from app.core.backups.make import BackupCheck, create_backup, verify_backup
from app.core.backups.restore import Restored, restore_backup
from app.core.backups.store import (
    Backup,
    backup_folder,
    choose_backup_folder,
    list_backups,
    prune,
)

__all__ = [
    "STALE_AFTER_DAYS",
    "Backup",
    "BackupCheck",
    "Holding",
    "Replaced",
    "Restored",
    "backup_due_today",
    "backup_folder",
    "backups_holding",
    "backups_holding_disposed",
    "choose_backup_folder",
    "create_backup",
    "days_without_backup",
    "last_backup",
    "list_backups",
    "prune",
    "remove_backups",
    "replace_backups",
    "restore_backup",
    "verify_backup",
]
