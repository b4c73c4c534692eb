"""An encrypted log's keys while it is open: the data key, its slots, and keeping the
slots in step with the accounts.

`unlock_with_password` and `unlock_with_recovery` open a log's key file (`<log>.keys`,
or the copy kept with its backups when that is all there is) and return `LogKeys`; the
`Database` carries them, and every writing unit of work offers them to the services
(`session.info[KEYS]`), so that adding, resetting, deactivating an account or changing a
password changes its slot *with* the change to the account:

1. before the commit, the key file holds the old slots and the new ones (both passwords
   open the log, and the log's own password hash decides who signs in);
2. once the commit is done, it holds the new slots alone;
3. if the unit of work rolls back, it goes back to the old slots.

So a crash or a full disk at any point leaves every account able to sign in with the
password the log itself holds.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.core.errors import DatabaseError, FootprintError
from app.core.security import cipher
from app.core.security.keyslots import KeyRing, SlotRefused

log = logging.getLogger(__name__)

#: Where a writing unit of work carries the open log's keys (None: not encrypted).
KEYS = "footprint.keys"
#: Where a unit of work keeps the slots its changes so far would leave (LogKeys.stage).
_STAGED = "footprint.keys.staged"


class KeysRefused(FootprintError):
    """The password or recovery key does not open the log (said in words)."""


class KeyFileProblem(FootprintError):
    """The key file is missing, unreadable or not Footprint's (said in words)."""


@dataclass
class LogKeys:
    """The open log's data key and the file of slots that open it (beside the log, and
    copied into its backups folder, where every backup needs it)."""

    log_path: Path
    ring: KeyRing
    data_key: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return self.ring.key_id

    @property
    def path(self) -> Path:
        return cipher.keys_path(self.log_path)

    def save(self, ring: KeyRing | None = None) -> None:
        """Write the slots beside the log, then (if it is there) into the backups folder."""
        ring = ring or self.ring
        ring.save(self.path)
        self.save_copy(ring)

    def save_copy(self, ring: KeyRing | None = None, folder: Path | None = None) -> None:
        """The backups folder's copy of the slots (kept when the folder can't be reached:
        the next backup writes it)."""
        from app.core.backups.store import backup_folder

        folder = folder or backup_folder(self.log_path)
        if folder.is_dir():
            try:
                (ring or self.ring).save(folder / BACKUP_KEYS_NAME)
            except OSError:
                log.warning("The backups folder's copy of the key file could not be updated.")

    def stage(self, session: Session, change: Callable[[KeyRing], None]) -> None:
        """Change the slots as part of `session`'s unit of work (see the module's notes).
        Several changes in one unit of work add up; they are kept or undone together."""
        pending = session.info.get(_STAGED)
        staged = (pending if isinstance(pending, KeyRing) else self.ring).copy()
        change(staged)
        try:
            self.save(self.ring.merged(staged))
        except OSError as exc:  # said in words; the service's change is rolled back with it
            raise DatabaseError(
                f"The key file beside the log could not be written ({exc.strerror or exc}), "
                "so nothing was changed."
            ) from None
        session.info[_STAGED] = staged
        if pending is not None:
            return  # the listeners of the unit of work's first change see this one too
        state = {"done": False}

        def committed(session: Session) -> None:
            # SQLAlchemy says after_commit for a released savepoint too (every service's
            # `atomic`): only the outermost commit puts the change in the log.
            if state["done"] or session.in_nested_transaction():
                return
            state["done"] = True
            self.ring = session.info.pop(_STAGED, staged)
            try:
                self.save(self.ring)
            except OSError:  # the merged file stays: both passwords open; the log decides
                log.warning("The key file could not be tidied after a change of password.")

        def ended(session: Session, transaction: SessionTransaction) -> None:
            if transaction.parent is not None or state["done"]:
                return
            state["done"] = True
            session.info.pop(_STAGED, None)
            try:
                self.save()
            except OSError:
                log.warning("The key file could not be put back after a cancelled change.")

        event.listen(session, "after_commit", committed)
        event.listen(session, "after_transaction_end", ended)


def keys_of(session: Session) -> LogKeys | None:
    """The open log's keys, if it is encrypted and this is a writing unit of work."""
    keys = session.info.get(KEYS)
    return keys if isinstance(keys, LogKeys) else None


def find_ring(log_path: Path) -> Path | None:
    """The key file for the log at `log_path`: beside it, or else the copy kept with its
    backups (the log's folder was lost, its backups were not)."""
    from app.core.backups.store import backup_folder

    beside = cipher.keys_path(log_path)
    if beside.exists():
        return beside
    copy = backup_folder(log_path) / BACKUP_KEYS_NAME
    return copy if copy.exists() else None


#: The copy of the key file kept in the backups folder (every backup opens with it).
BACKUP_KEYS_NAME = "footprint.keys"


def _load(log_path: Path) -> tuple[Path, KeyRing]:
    """The key file beside the log, or (missing or damaged) the backups folder's copy."""
    from app.core.backups.store import backup_folder

    found = find_ring(log_path)
    if found is None:
        raise KeyFileProblem(
            f"The key file that opens the log ({cipher.keys_path(log_path).name}) is missing "
            "from beside it and from its backups folder. Put it back from where it was "
            "copied, or restore the log's folder from a backup of this computer."
        )
    copy = backup_folder(log_path) / BACKUP_KEYS_NAME
    try:
        return found, KeyRing.load(found)
    except (ValueError, OSError) as exc:
        if found != copy and copy.exists():
            try:  # the copy kept with the backups, written whenever the slots change
                return copy, KeyRing.load(copy)
            except (ValueError, OSError):
                pass
        if isinstance(exc, ValueError):
            raise KeyFileProblem(f"{found} is not a Footprint key file, or is damaged.") from None
        raise KeyFileProblem(f"Footprint can't read {found} ({exc.strerror or exc}).") from None


WRONG_PASSWORD = "That user name and password don't open this log."


def unlock_with_password(log_path: Path, username: str, password: str) -> tuple[int, LogKeys]:
    """(the account's id, the log's keys) if the password opens its slot; KeysRefused
    (or KeyFileProblem) with the reason in words if not."""
    found, ring = _load(log_path)
    try:
        user_id, data_key = ring.open_account(username, password)
    except SlotRefused:
        raise KeysRefused(WRONG_PASSWORD) from None
    return user_id, _beside(found, LogKeys(log_path, ring, data_key))


def unlock_with_recovery(log_path: Path, recovery_key: str) -> LogKeys:
    """The log's keys from its printed recovery key; KeysRefused if it isn't the one."""
    found, ring = _load(log_path)
    try:
        data_key = ring.open_with_recovery(recovery_key)
    except SlotRefused:
        raise KeysRefused(
            "That recovery key doesn't open this log. Check each group of four against the "
            "sheet (a newer sheet replaces older ones)."
        ) from None
    return _beside(found, LogKeys(log_path, ring, data_key))


def _beside(found: Path, keys: LogKeys) -> LogKeys:
    """Keys found only with the backups are put back beside the log once they open it."""
    if found != keys.path and keys.log_path.parent.is_dir():
        with contextlib.suppress(OSError):  # said when the log itself can't be written
            keys.ring.save(keys.path)
    return keys
