"""Signing in to a plain log that is already set up: the dialog shows at once, and the
log is opened (checked, its schema brought up to date) on a worker thread meanwhile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from app.ui.ready_probe import report_when_shown
from app.ui.warm_up import WarmUp

if TYPE_CHECKING:
    from app.core.db import Database
    from app.core.startup import OpenedLog

#: The dialog's result when the log turned out to need the long way round.
LONG_WAY = 2


def sign_in_plain_early(database_url: str | None) -> tuple[OpenedLog | None, int] | None:
    """As `app.ui.app.sign_in_plain`, the dialog first. A log that can't be opened, or
    that needs its first-run form or first account, closes the dialog and goes the long
    way (which offers a restore, or the forms), with the log already open if it is."""
    from app.ui.app import encrypt_after_sign_in, sign_in_plain
    from app.ui.sign_in import SignInDialog

    def open_and_look() -> tuple[OpenedLog, bool]:
        from app.core.services.accounts import needs_first_account
        from app.core.services.school import find_settings
        from app.core.startup import open_log
        from app.ui.context import as_footprint

        log = open_log(database_url)
        try:
            ready = as_footprint(
                log.database,
                lambda s: find_settings(s) is not None and not needs_first_account(s),
            )
        except BaseException:
            log.database.dispose()
            raise
        return log, ready

    warm = WarmUp(open_and_look)

    def opener(_username: str, _password: str) -> Database:
        opened = warm.result()
        assert opened is not None
        return opened[0].database

    signing = SignInDialog(None, opener=opener)

    def look_at_the_log() -> None:
        if not warm.done.is_set():
            return
        poll.stop()
        try:
            opened = warm.result()
        except Exception:
            opened = None
        if (opened is None or not opened[1]) and signing.isVisible():
            signing.done(LONG_WAY)

    poll = QTimer(signing)
    poll.setInterval(50)
    poll.timeout.connect(look_at_the_log)
    QTimer.singleShot(0, warm.start)  # once the dialog is up
    QTimer.singleShot(0, poll.start)
    report_when_shown(signing)
    answer = signing.exec()
    poll.stop()
    try:
        opened = warm.result()  # a cancelled start still lets the log close cleanly
    except Exception:
        opened = None
    if answer == LONG_WAY or (opened is None and answer):
        return sign_in_plain(database_url, opened[0] if opened is not None else None)
    if not answer or signing.user_id is None or opened is None:
        signing.forget()
        if opened is not None:
            opened[0].database.dispose()
        return None, 0
    credentials, signing.credentials = signing.credentials, None
    encrypted = encrypt_after_sign_in(opened[0], signing.user_id, credentials)
    if encrypted is None:
        return None
    return encrypted, signing.user_id
