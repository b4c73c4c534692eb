"""Encrypting a plain log: a log from before encryption, on its first sign-in with this
version, or a new school's log once its first account exists.

In order, so that a crash or a full disk at any step leaves a log that opens:

1. the plain log's write-ahead log is folded into it, and it is backed up as it is;
2. a new data key is made, with a slot for the account signing in and a recovery key;
3. the log is exported into a new SQLCipher file beside it (`sqlcipher_export`), which
   must pass `integrity_check` and hold as many records of each kind as the plain one;
4. the key slots are written (beside the log, and into the backups folder);
5. the encrypted file is renamed over the log, and only then is the plain file
   overwritten and removed;
6. the backups and pre-upgrade copies in the backups folder, plain until now, are
   encrypted in place the same way.

Until step 5 the plain file is the log (a key file beside a plain log is the leftover of
a conversion cut short, and the next sign-in converts again with a new key).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from app.core.backups.make import _counts, create_backup, sha256_of
from app.core.backups.store import backup_folder, list_backups, manifest_path
from app.core.errors import DatabaseError
from app.core.files import _sync_folder, write_privately
from app.core.security import cipher
from app.core.security.keyslots import KeyRing, SlotRefused, new_data_key
from app.core.security.logkeys import BACKUP_KEYS_NAME, LogKeys

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Encrypted:
    """The encrypted log's keys, and the recovery key to print once (never stored)."""

    keys: LogKeys
    recovery_key: str | None  # None: the log's existing keys were used again
    backups_left_plain: list[Path]


def encrypt_log(log_path: Path, user_id: int, username: str, password: str) -> Encrypted:
    """Encrypt the plain SQLite log at `log_path` (nothing may have it open). The account
    `user_id` gets the first slot; other accounts get theirs when their passwords are
    next set. DatabaseError with the reason if it can't (the log is then as it was).

    If the log already had keys (a plain file put back in its place: an older copy from
    the computer's own backups) and this password opens them, the same data key is used
    again, so every encrypted backup and the recovery sheet keep working; if it doesn't,
    the old key file is kept under a name of its own, never overwritten."""
    tidy_conversion(log_path)
    keys: LogKeys | None = None
    recovery_key: str | None = None
    made = None
    try:
        _fold_wal(log_path)
        keys, recovery_key = _keys_for(log_path, user_id, username, password)
        staged = _export_checked(log_path, keys.data_key)
        # The backup of the log as it was, made from the checked encrypted copy: no plain
        # copy is ever written to the backups folder (which may be a network share).
        made = create_backup(staged, folder=backup_folder(log_path), rotate=False, keys=keys)
        keys.save()
        _swap(log_path, staged)
    except (cipher.Error, OSError, DatabaseError) as exc:
        # The log is still the plain file: no new key file, nor a backup only it opens.
        if made is not None and recovery_key is not None:
            made.path.unlink(missing_ok=True)
            made.manifest_path.unlink(missing_ok=True)
        if keys is not None and recovery_key is not None:
            _forget_keys(keys)
        if isinstance(exc, DatabaseError):
            raise
        reason = _reason(exc) if isinstance(exc, cipher.Error) else exc.strerror or str(exc)
        raise DatabaseError(
            f"The log could not be encrypted ({reason}); it is as it was."
        ) from None
    return Encrypted(keys, recovery_key, encrypt_backups(keys))


def _keys_for(
    log_path: Path, user_id: int, username: str, password: str
) -> tuple[LogKeys, str | None]:
    """The log's keys for a conversion: its existing ones if this password opens them
    (no new recovery key then: the sheet in the safe still works), else new ones (an old
    key file is set aside under its key's fingerprint first)."""
    from app.core.security.logkeys import find_ring

    found = find_ring(log_path)
    if found is not None:
        try:
            ring = KeyRing.load(found)
            opened_for, data_key = ring.open_account(username, password)
        except (ValueError, OSError, SlotRefused):
            _set_aside(log_path)
        else:
            if opened_for == user_id:
                return LogKeys(log_path, ring, data_key), None
            _set_aside(log_path)
    data_key = new_data_key()
    ring = KeyRing.for_key(data_key)
    ring.set_account(data_key, user_id, username, password)
    recovery_key = ring.new_recovery_key(data_key)
    ring.sheet_confirmed = False  # until the DSL says the sheet is printed
    return LogKeys(log_path, ring, data_key), recovery_key


def _set_aside(log_path: Path) -> None:
    """Keep key files that a new key would replace (backups made under them need them)."""
    from app.core.security.logkeys import BACKUP_KEYS_NAME

    for path in (cipher.keys_path(log_path), backup_folder(log_path) / BACKUP_KEYS_NAME):
        if not path.exists():
            continue
        try:
            key_id = str(json.loads(path.read_text(encoding="utf-8")).get("key_id", "old"))
        except (OSError, ValueError, AttributeError):
            key_id = "unreadable"
        path.replace(path.with_name(f"{path.name}.{key_id}"))


def _forget_keys(keys: LogKeys) -> None:
    from app.core.backups.store import backup_folder

    for path in (keys.path, backup_folder(keys.log_path) / BACKUP_KEYS_NAME):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("A key file left by a conversion cut short could not be removed.")


def encrypt_backups(keys: LogKeys) -> list[Path]:
    """Encrypt, in place, every plain backup and pre-upgrade copy in the log's backups
    folder (a backup's manifest is updated to its new fingerprint). Returns those that
    could not be (said to the DSL; they stay as they were)."""
    # The chosen folder, and the log's own `backups/`: copies taken before an upgrade are
    # always made there, and backups made before another folder was chosen stay there.
    folders = dict.fromkeys((backup_folder(keys.log_path), keys.log_path.parent / "backups"))
    failed: list[Path] = []
    listed = {
        backup.path: backup
        for folder in folders
        if folder.is_dir()
        for backup in list_backups(folder)
    }
    paths = sorted(
        path for folder in folders if folder.is_dir() for path in folder.glob("*.sqlite3")
    )
    damaged = keys.log_path.with_name(keys.log_path.name + ".damaged")
    if damaged.is_file():  # a damaged log kept from before: as private as the rest
        paths.append(damaged)
    for path in paths:
        if not cipher.is_plain(path):
            continue
        try:
            tidy_conversion(path)
            staged = _export_checked(path, keys.data_key)
            backup = listed.get(path)
            if backup is not None:  # the manifest first: a crash leaves a plain file that
                manifest = dict(backup.manifest)  # is encrypted again, never a lost one
                manifest.update(
                    sha256=sha256_of(staged), bytes=staged.stat().st_size, key_id=keys.key_id
                )
                text = json.dumps(manifest, indent=1, sort_keys=True)
                write_privately(manifest_path(path), text.encode("utf-8"))
            _swap(path, staged)
            if _plain_copy(path).exists():  # encrypted, but its plain copy wasn't erased
                failed.append(path)
        except (cipher.Error, OSError, DatabaseError):
            failed.append(path)
    return failed


def _fold_wal(path: Path) -> None:
    """Fold the write-ahead log into the file, so the file holds everything."""
    connection = cipher.connect(path, None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _export_checked(plain: Path, key: bytes) -> Path:
    """An encrypted copy of `plain` beside it, checked against it."""
    staged = plain.with_name(plain.name + ".encrypting")
    staged.unlink(missing_ok=True)
    try:
        cipher.export_encrypted(plain, staged, key)
        source = cipher.connect(plain, None, readonly=True)
        try:
            wanted = _counts(source)
        finally:
            source.close()
        copy = cipher.connect(staged, key, readonly=True)
        try:
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts = _counts(copy)
        finally:
            copy.close()
        if not ok or counts != wanted:
            raise DatabaseError(
                f"the encrypted copy of {plain.name} did not check out; nothing was changed"
            )
        descriptor = os.open(staged, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def _swap(plain: Path, staged: Path) -> None:
    """Put the encrypted copy in the plain file's place, then erase the plain file."""
    kept = _plain_copy(plain)
    kept.unlink(missing_ok=True)
    try:
        os.link(plain, kept)  # the plain file's contents, under a name of their own
    except OSError:  # no hard links here (FAT, some shares): a copy, erased the same way
        shutil.copyfile(plain, kept)
    os.replace(staged, plain)  # one step: the name is the plain or the encrypted file
    _sync_folder(plain.parent)  # the rename is on the disk before the plain file is erased
    # From here the file is encrypted: a failure to erase must not be taken for a failed
    # conversion (the caller would say "as it was", and lose the recovery key to print).
    # What is left is erased by `tidy_conversion` when the file is next opened.
    try:
        cipher.secure_remove(kept)
        for leftover in (Path(f"{plain}-wal"), Path(f"{plain}-shm")):
            leftover.unlink(missing_ok=True)  # folded and empty; they were the plain file's
    except OSError as exc:
        log.warning("The plain copy of %s is erased at its next opening (%s).", plain.name, exc)


def _plain_copy(path: Path) -> Path:
    return path.with_name(path.name + ".plain")


def tidy_conversion(path: Path) -> None:
    """Remove what a conversion cut short left beside `path`: an unfinished encrypted
    copy, and the plain file's second name (erased, unless it is still the log itself)."""
    path.with_name(path.name + ".encrypting").unlink(missing_ok=True)
    kept = _plain_copy(path)
    if not kept.exists():
        return
    if not path.exists():
        os.replace(kept, path)  # the only copy left: it is the log (converted again later)
    elif os.path.samefile(path, kept) or cipher.is_plain(path):
        # The swap never happened: the log is still the plain file (the second name is
        # a hard link to it, or a copy where links can't be made).
        kept.unlink()
    else:
        try:
            cipher.secure_remove(kept)  # the encrypted file is in place: erase the plain one
        except OSError as exc:  # never a reason not to open the log: tried again next time
            log.warning("The plain copy of %s could not be erased (%s).", path.name, exc)


def _reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "full" in text:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the file or its folder is read-only"
    return "the database reported an error"
