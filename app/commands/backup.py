"""`footprint backup create|list|verify|restore`: the log's backups from the command line.

Making, listing and checking backups read the log only (a backup is a private file in
the chosen folder). Restoring changes the log: it needs the DSL's account in a log with
accounts, and Footprint must be closed on every PC that uses the file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.errors import FootprintError

if TYPE_CHECKING:
    from app.core.backups import Backup

EXIT_FAILED = 1
EXIT_USAGE = 2


def run_backup(args: argparse.Namespace) -> int:
    from app.commands.signing import command_keys
    from app.core.backups import backup_folder, create_backup, list_backups, verify_backup
    from app.core.db import default_database_url, normalise_url
    from app.core.security.convert import encrypt_backups
    from app.core.startup import refuse_missing_log
    from app.core.timefmt import format_datetime

    try:
        url = normalise_url(args.database or default_database_url())
        if url.get_backend_name() != "sqlite" or not url.database:
            _say(
                "backups here are for a SQLite log; a PostgreSQL log is backed up on its "
                "server (pg_dump; see the README)."
            )
            return EXIT_USAGE
        log_path = Path(url.database)
        folder = backup_folder(log_path)
        if args.backup == "create":
            refuse_missing_log(args.database)
            keys, _, _ = command_keys(args.database, args.user)
            if keys is not None:  # old plain backups in a folder that was out of reach
                encrypt_backups(keys)
            made = create_backup(
                log_path, folder=Path(args.folder) if args.folder else None, keys=keys
            )
            print(
                f"Backed up to {made.path} ({made.records.get('incident', 0):,} incidents; "
                f"checked; audit checkpoint {made.checkpoint or 'none'})."
            )
            return 0
        if args.backup == "list":
            backups = list_backups(folder)
            if not backups:
                print(f"No backups in {folder}.")
            for backup in backups:
                print(
                    f"{format_datetime(backup.made_at)}  {backup.path.name}  "
                    f"{backup.records.get('incident', 0):,} incidents  "
                    f"checkpoint {backup.checkpoint or '—'}"
                )
            return 0
        if args.backup == "verify":
            chosen = _chosen(folder, args.file) if args.file else list_backups(folder)
            if not chosen:
                print(f"No backups in {folder}.")
                return 0
            bad = 0
            keys = None
            if any(backup.manifest.get("key_id") for backup in chosen):
                keys, _, _ = command_keys(args.database, args.user)
            for backup in chosen:
                check = verify_backup(backup, keys)
                print(f"{'ok  ' if check.ok else 'BAD '} {backup.path.name}", end="")
                print("" if check.ok else f": {check.problems[0]}")
                bad += not check.ok
            return EXIT_FAILED if bad else 0
        return _restore(args, log_path, folder)
    except FootprintError as exc:
        _say(exc.message)
        return EXIT_USAGE


def _chosen(folder: Path, file: str) -> list[Backup]:
    from app.core.backups import list_backups
    from app.core.errors import NotFound

    wanted = Path(file)
    for backup in list_backups(wanted.parent if wanted.parent != Path() else folder):
        if backup.path.name == wanted.name:
            return [backup]
    raise NotFound(f"{file} is not a Footprint backup (it has no manifest beside it).")


def _restore(args: argparse.Namespace, log_path: Path, folder: Path) -> int:
    from app.commands.signing import command_keys, command_user
    from app.core.actors import SYSTEM
    from app.core.backups import restore_backup
    from app.core.services.backups import record_restore
    from app.core.startup import open_log

    (backup,) = _chosen(folder, args.file)
    # An encrypted log's backups open with its keys: the user's password opens them.
    keys, password, _ = command_keys(args.database, args.user)
    if log_path.is_file() and log_path.stat().st_size > 0:
        try:  # a log that still opens decides who may put it back: its DSL
            log = open_log(args.database, create=False, keys=keys)
        except FootprintError:
            log = None  # damaged or lost: whoever owns the file may restore it
        if log is not None:
            try:
                command_user(log.database, args.user, password=password or None)
            finally:
                log.database.dispose()
    restored = restore_backup(log_path, backup, Path(f"{log_path}.audit-head"), keys)
    log = open_log(args.database, create=False, keys=keys)
    try:  # on the restored log's own trail, by Footprint, naming who asked
        with log.database.write(SYSTEM) as session:
            record_restore(session, restored.backup, restored.previous, asked_by=args.user)
    finally:
        log.database.dispose()
    kept = (
        f" The log as it was is kept as {restored.previous.path.name}." if restored.previous else ""
    )
    print(f"Restored the backup {restored.backup.path.name}.{kept}")
    return 0


def _say(message: str) -> None:
    print(f"footprint backup: {message}", file=sys.stderr)
