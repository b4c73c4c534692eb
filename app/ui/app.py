"""Starting the GUI: QApplication, opening the log, the main window."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import __version__
from app.core.errors import DatabaseError, FootprintError, LogLost
from app.core.log_address import LogKind, quick_log_file, quick_log_kind
from app.logging_setup import configure_logging, install_crash_logger
from app.ui.ready_probe import report_when_shown
from app.ui.warm_up import WarmUp

# Only Qt and a few small modules are loaded before the sign-in dialog shows; the
# database layer (SQLAlchemy alone takes longer than a bare Qt window) is loaded by a
# worker thread while the user types (`WarmUp`), or where it is first needed.
if TYPE_CHECKING:
    from app.core.db import Database
    from app.core.security.logkeys import LogKeys
    from app.core.startup import OpenedLog


def install_error_dialog(log_path: Path) -> None:
    """After the crash logger: tell the user, in words, that something went wrong."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        previous(kind, value, tb)
        QMessageBox.critical(
            QApplication.activeWindow(),
            "Something went wrong",
            "Footprint met a problem it didn't expect. What you were doing may not have been "
            "saved; everything saved before is safe. If it happens again, tell whoever looks "
            f"after Footprint and give them the log file (it holds no names):\n{log_path}",
        )

    sys.excepthook = hook


def run_gui(database_url: str | None = None) -> int:
    """Open the log and show the main window; returns the exit code."""
    from app.platform_check import platform_problem

    problem = platform_problem()
    if problem is not None:  # Qt's own message names a plugin, not what to install
        print(f"footprint: {problem}", file=sys.stderr)
        return 3
    log_path = configure_logging()
    install_crash_logger()
    install_error_dialog(log_path)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Footprint")
    app.setOrganizationName("Footprint")
    app.setApplicationVersion(__version__)
    try:
        kind, path = _log_kind_and_file(database_url)
        lock = hold_the_log(path)
    except FootprintError as exc:
        QMessageBox.critical(None, "Footprint can't open the log", exc.message)
        return 2
    if lock is False:
        QMessageBox.information(
            None,
            "Footprint is already open",
            "Footprint is already open with this log on this computer (perhaps minimised, "
            "or behind another window): use that window. Only one may use the log at a "
            "time, so that nothing saved in one is undone by the other.",
        )
        return 0
    encrypted = kind is LogKind.ENCRYPTED
    if encrypted:
        signed_in = sign_in_encrypted(database_url)
    elif kind is LogKind.PLAIN:
        from app.ui.plain_sign_in import sign_in_plain_early

        signed_in = sign_in_plain_early(database_url)
    else:
        signed_in = sign_in_plain(database_url)
    if signed_in is None:
        return 0 if encrypted else 2
    log, user_id = signed_in
    if log is None:
        return 0
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.recovery import remind_about_the_sheet

    remind_about_the_sheet(None, AppContext(log.database, user_id))
    back_up(log, first_of_the_day=True)
    window = MainWindow(log.database, user_id)
    window.show()
    code = app.exec()
    log.database.dispose()
    back_up(log, first_of_the_day=False)  # the last window has closed
    if isinstance(lock, QLockFile):
        lock.unlock()
    return code


def _log_kind_and_file(database_url: str | None) -> tuple[LogKind, Path | None]:
    """The log's kind and file: told from the file alone when it can be (no database
    layer loaded yet), else by `app.core.startup` (FootprintError for a bad address)."""
    known = quick_log_kind(database_url)
    if known is not None:
        return known
    from app.core.startup import log_file, log_kind

    return log_kind(database_url), log_file(database_url)


def hold_the_log(path: Path | None) -> QLockFile | bool:
    """One Footprint window per SQLite log on this computer: a lock file beside the log
    (`<log>.lock`, freed when Footprint ends, and taken over if its process died). False
    if another Footprint holds it; True where no lock can be kept (no file yet, or a
    folder that can't be written, which opening the log then says)."""
    if path is None:
        return True  # PostgreSQL: several PCs share it by design
    lock = QLockFile(f"{path}.lock")
    lock.setStaleLockTime(0)  # stale only when its process is gone
    if lock.tryLock(200):
        return lock
    return lock.error() != QLockFile.LockError.LockFailedError


def sign_in_plain(
    database_url: str | None, opened: OpenedLog | None = None
) -> tuple[OpenedLog | None, int] | None:
    """A plain SQLite log (or a new one, or PostgreSQL): open it (unless `opened`), run
    the first-run forms if it is new, sign in — and then encrypt a SQLite log with the
    password just typed. None if it can't be opened; (None, 0) if the user stopped."""
    from app.core.services.accounts import needs_first_account
    from app.core.services.school import find_settings
    from app.core.startup import open_log
    from app.ui.accounts import AccountSetupDialog, SignInDialog
    from app.ui.context import AppContext, as_footprint
    from app.ui.first_run import FirstRunDialog

    try:
        log = opened if opened is not None else open_log(database_url)
    except LogLost as lost:
        restored = offer_restore(lost, database_url, None)
        if restored is None:
            return None
        log = restored
    except FootprintError as exc:
        QMessageBox.critical(None, "Footprint can't open the log", exc.message)
        return None
    set_up, first_account = as_footprint(
        log.database, lambda s: (find_settings(s) is not None, needs_first_account(s))
    )
    first_run = None if set_up else FirstRunDialog(AppContext(log.database, log.user_id))
    if first_run is not None:
        report_when_shown(first_run)
    if first_run is not None and not first_run.exec():
        log.database.dispose()
        return None, 0
    # Everyone signs in; the very first time, the DSL's account is created instead.
    signing = AccountSetupDialog(log.database) if first_account else SignInDialog(log.database)
    if opened is None:
        report_when_shown(signing)
    if not signing.exec() or signing.user_id is None:
        log.database.dispose()
        return None, 0
    credentials, signing.credentials = signing.credentials, None
    encrypted = encrypt_after_sign_in(log, signing.user_id, credentials)
    if encrypted is None:
        return None
    return encrypted, signing.user_id


def sign_in_encrypted(database_url: str | None) -> tuple[OpenedLog | None, int] | None:
    """An encrypted log: the password typed at sign-in opens it (or, when every password
    is lost, the recovery key, and a DSL's account is given a new password). The
    database layer loads on a worker thread while the dialog waits for the user."""
    from app.ui.sign_in import SignInDialog

    path = quick_log_file(database_url)
    if path is None:
        from app.core.startup import log_file

        path = log_file(database_url)
    assert path is not None
    opened: list[OpenedLog] = []
    warm: WarmUp[None] = WarmUp()

    def opener(username: str, password: str) -> Database:
        warm.wait()
        from app.core.security.logkeys import unlock_with_password
        from app.core.services.accounts import take_password_from_key_slot
        from app.ui.context import as_footprint

        user_id, keys = unlock_with_password(path, username, password)
        log = open_or_restore(database_url, keys)
        opened.append(log)
        # A log restored from before a change of password: the key file is newer.
        as_footprint(log.database, lambda s: take_password_from_key_slot(s, user_id, password))
        return log.database

    def recover(dialog: SignInDialog) -> None:
        log = recover_with_key(dialog, database_url, path)
        if log is not None:
            opened.append(log)
            dialog.database = log.database
            dialog.accept()

    signing = SignInDialog(None, opener=opener, recover=recover)
    QTimer.singleShot(0, warm.start)  # once the dialog is up
    report_when_shown(signing)
    accepted = signing.exec()
    signing.forget()
    for earlier in opened[:-1]:  # opened by an attempt that a later one replaced
        earlier.database.dispose()
    if not accepted or signing.user_id is None or not opened:
        if opened:
            opened[-1].database.dispose()
        return None, 0
    return opened[-1], signing.user_id


def open_or_restore(database_url: str | None, keys: LogKeys) -> OpenedLog:
    """Open the encrypted log; a missing, empty or damaged one is offered its latest
    backup. DatabaseError if it stays closed."""
    from app.core.startup import open_log

    try:
        return open_log(database_url, keys=keys)
    except LogLost as lost:
        restored = offer_restore(lost, database_url, keys)
        if restored is None:
            raise DatabaseError(f"{lost.message} It was not restored.") from None
        return restored


def recover_with_key(parent: QWidget, database_url: str | None, path: Path) -> OpenedLog | None:
    """Every password lost: the recovery key from the school safe opens the log, and a
    DSL's or deputy's account is given a new password (on the trail). The account's id is
    set on `parent` (a SignInDialog) when it succeeds."""
    from app.core.security.logkeys import unlock_with_recovery
    from app.core.services.accounts import recovery_candidates, set_password_with_recovery
    from app.ui.context import as_footprint
    from app.ui.recovery import RecoverAccountDialog, RecoveryKeyDialog

    ask = RecoveryKeyDialog(parent)
    while True:
        if not ask.exec():
            return None
        try:
            keys = unlock_with_recovery(path, ask.key.text())
            log = open_or_restore(database_url, keys)
            break
        except FootprintError as exc:
            ask.refuse(exc.message)
    rows = as_footprint(log.database, recovery_candidates)

    def set_password(user_id: int, password: str) -> None:
        as_footprint(log.database, lambda s: set_password_with_recovery(s, user_id, password))

    choose = RecoverAccountDialog(
        [(row.id, f"{row.display_name} ({row.username})") for row in rows], set_password, parent
    )
    if not choose.exec() or choose.user_id is None:
        log.database.dispose()
        return None
    parent.user_id = choose.user_id  # type: ignore[attr-defined]
    return log


def encrypt_after_sign_in(
    log: OpenedLog, user_id: int, credentials: tuple[str, str] | None
) -> OpenedLog | None:
    """A plain SQLite log is encrypted as soon as the DSL or a deputy signs in (with the
    password just typed), and the recovery sheet is printed. Returns the log to use
    (None if it could not be opened again)."""
    from app.core.services.encryption import accounts_needing_password, may_encrypt
    from app.core.services.school import find_settings
    from app.core.startup import encrypt_opened_log
    from app.ui.background import run_with_progress
    from app.ui.context import AppContext
    from app.ui.recovery import RecoverySheetDialog

    if credentials is None or log.database.file is None or log.database.keys is not None:
        return log
    if not AppContext(log.database, user_id).read(may_encrypt):
        return log  # the DSL's or a deputy's next sign-in encrypts it
    settings = AppContext(log.database, user_id).read(find_settings)
    school = settings.name if settings is not None else ""
    location = log.database.location
    username, password = credentials
    result, error = run_with_progress(
        None,
        "Encrypting the log…",
        lambda: encrypt_opened_log(log, user_id, username, password),
    )
    if result is None:
        QMessageBox.critical(None, "Footprint can't open the log", error or "")
        return None
    encrypted = result.log
    if result.recovery_key is not None:  # shown even if the log then failed to open
        keys = encrypted.database.keys if encrypted is not None else None
        sheet = RecoverySheetDialog(
            result.recovery_key,
            school_name=school,
            location=location,
            key_id=keys.key_id if keys is not None else "",
            why="The log is now encrypted: without a password or the recovery key, its "
            "file can't be read.",
        )
        if sheet.exec() and keys is not None:
            keys.ring.sheet_confirmed = True
            with contextlib.suppress(OSError):  # if not kept, asked again at next sign-in
                keys.save()
    if encrypted is None:
        QMessageBox.critical(None, "Footprint can't open the log", result.problem or "")
        return None
    if result.problem is not None:
        QMessageBox.warning(
            None,
            "The log is not encrypted yet",
            f"{result.problem} Footprint tries again the next time you sign in.",
        )
        return encrypted
    if result.backups_left_plain:
        names = "\n".join(str(path) for path in result.backups_left_plain)
        QMessageBox.warning(
            None,
            "Backups that are not encrypted",
            "These copies of the log could not be encrypted (or their unencrypted "
            "version could not be erased), so they can still be read without a "
            f"password. Delete them, or keep them somewhere locked:\n\n{names}",
        )
    waiting = AppContext(encrypted.database, user_id).read(accounts_needing_password)
    if waiting:
        QMessageBox.information(
            None,
            "Accounts that need a new password",
            "A password can open the encrypted log only once Footprint has seen it typed. "
            "Give these accounts a new temporary password in Settings → Accounts → Reset "
            "password before they next sign in:\n\n" + "\n".join(waiting),
        )
    return encrypted


def offer_restore(
    lost: LogLost, database_url: str | None, keys: LogKeys | None
) -> OpenedLog | None:
    """A missing, empty or damaged log where one existed: never a new school's first run.
    Offer the latest backup; the damaged file is kept as a copy first, and the restore
    is on the restored log's trail. None when the user declines or it fails."""
    from app.core.backups import Backup, restore_backup
    from app.core.services.backups import record_restore
    from app.core.startup import log_file, open_log
    from app.ui.context import as_footprint

    backup = lost.backup if isinstance(lost.backup, Backup) else None
    if backup is None:
        QMessageBox.critical(None, "Footprint can't open the log", lost.message)
        return None
    answer = QMessageBox.warning(
        None,
        "The log needs restoring",
        f"{lost.message}\n\nRestore that backup now? Anything recorded after it was made "
        "is not in it.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    path = log_file(database_url)
    if path is None:
        return None
    from app.core.backups import verify_backup

    check = verify_backup(backup, keys)  # before the log is moved aside: it must open
    if not check.ok:
        QMessageBox.critical(
            None,
            "The backup could not be restored",
            f"{check.problems[0]} The log was left as it is.",
        )
        return None
    try:
        damaged = path.with_name(path.name + ".damaged")
        if path.exists() and path.stat().st_size:
            path.replace(damaged)  # kept, in case anything can be recovered from it
        restored = restore_backup(path, backup, Path(f"{path}.audit-head"), keys)
        log = open_log(database_url, keys=keys)
        as_footprint(
            log.database, lambda s: record_restore(s, restored.backup, None, asked_by=None)
        )
    except (FootprintError, OSError) as exc:
        reason = exc.message if isinstance(exc, FootprintError) else str(exc.strerror or exc)
        QMessageBox.critical(None, "The backup could not be restored", reason)
        return None
    return log


def back_up(log: OpenedLog, *, first_of_the_day: bool) -> None:
    """The automatic backups: on the first start of each day, and when Footprint closes.
    A backup that fails is said plainly; the log itself is unaffected."""
    from app.core.backups import backup_due_today, create_backup
    from app.core.security.convert import encrypt_backups
    from app.ui.background import run_with_progress

    log_path, keys = log.database.file, log.database.keys
    if log_path is None or (first_of_the_day and not backup_due_today(log_path)):
        return

    def work() -> object:
        if keys is not None:  # old plain backups in a folder that was out of reach before
            encrypt_backups(keys)
        return create_backup(log_path, keys=keys)

    _, error = run_with_progress(None, "Backing up the log…", work)
    if error is not None:
        QMessageBox.warning(
            None,
            "The log was not backed up",
            f"{error} The log itself is safe. Check the backups folder in Settings → Backups.",
        )
