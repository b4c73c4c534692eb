"""Starting the GUI: QApplication, opening the log, the main window."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.core.errors import FootprintError, LogLost
from app.core.startup import OpenedLog, log_file, open_log
from app.logging_setup import configure_logging, install_crash_logger


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
        log = open_log(database_url)
    except LogLost as lost:
        restored = offer_restore(lost, database_url)
        if restored is None:
            return 2
        log = restored
    except FootprintError as exc:
        QMessageBox.critical(None, "Footprint can't open the log", exc.message)
        return 2
    from app.core.services.accounts import needs_first_account
    from app.core.services.school import find_settings
    from app.ui.accounts import AccountSetupDialog, SignInDialog
    from app.ui.context import AppContext, as_footprint
    from app.ui.first_run import FirstRunDialog
    from app.ui.main_window import MainWindow

    set_up, first_account = as_footprint(
        log.database, lambda s: (find_settings(s) is not None, needs_first_account(s))
    )
    if not set_up and not FirstRunDialog(AppContext(log.database, log.user_id)).exec():
        log.database.dispose()
        return 0
    # Everyone signs in; the very first time, the DSL's account is created instead.
    signing = AccountSetupDialog(log.database) if first_account else SignInDialog(log.database)
    if not signing.exec() or signing.user_id is None:
        log.database.dispose()
        return 0
    back_up(log.database.file, first_of_the_day=True)
    window = MainWindow(log.database, signing.user_id)
    window.show()
    code = app.exec()
    log.database.dispose()
    back_up(log.database.file, first_of_the_day=False)  # the last window has closed
    return code


def offer_restore(lost: LogLost, database_url: str | None) -> OpenedLog | None:
    """A missing, empty or damaged log where one existed: never a new school's first run.
    Offer the latest backup; the damaged file is kept as a copy first, and the restore
    is on the restored log's trail. None when the user declines or it fails."""
    from app.core.backups import Backup, restore_backup
    from app.core.services.backups import record_restore
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
    try:
        damaged = path.with_name(path.name + ".damaged")
        if path.exists() and path.stat().st_size:
            path.replace(damaged)  # kept, in case anything can be recovered from it
        restored = restore_backup(path, backup, Path(f"{path}.audit-head"))
        log = open_log(database_url)
        as_footprint(
            log.database, lambda s: record_restore(s, restored.backup, None, asked_by=None)
        )
    except (FootprintError, OSError) as exc:
        reason = exc.message if isinstance(exc, FootprintError) else str(exc.strerror or exc)
        QMessageBox.critical(None, "The backup could not be restored", reason)
        return None
    return log


def back_up(log_path: Path | None, *, first_of_the_day: bool) -> None:
    """The automatic backups: on the first start of each day, and when Footprint closes.
    A backup that fails is said plainly; the log itself is unaffected."""
    from app.core.backups import backup_due_today, create_backup
    from app.ui.background import run_with_progress

    if log_path is None or (first_of_the_day and not backup_due_today(log_path)):
        return
    _, error = run_with_progress(None, "Backing up the log…", lambda: create_backup(log_path))
    if error is not None:
        QMessageBox.warning(
            None,
            "The log was not backed up",
            f"{error} The log itself is safe. Check the backups folder in Settings → Backups.",
        )
