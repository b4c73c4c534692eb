"""Who a command acts as. A log with accounts asks for one (`--user`, and the password
from FOOTPRINT_PASSWORD or typed at the prompt), with the same checks and counting as
the window; the command then can do only what that account's role may. A log from
before accounts has none yet: the command acts as its first user. An encrypted log is
opened with the same name and password (asked for once)."""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.errors import FootprintError
from app.core.services.accounts import attempt_sign_in, needs_first_account
from app.core.services.users import first_user_id

if TYPE_CHECKING:
    from app.core.security.logkeys import LogKeys
    from app.core.startup import OpenedLog

PASSWORD_VARIABLE = "FOOTPRINT_PASSWORD"


class NotSignedIn(FootprintError):
    """The command can't go on: who is asking isn't established."""


def command_keys(
    database_url: str | None, username: str | None
) -> tuple[LogKeys | None, str, int | None]:
    """An encrypted log's keys, opened with the user's password (and that password, so it
    is asked for once, and the account its slot is for); (None, "", None) for a log that
    isn't encrypted."""
    from app.core.security.logkeys import unlock_with_password
    from app.core.startup import LogKind, log_file, log_kind

    if log_kind(database_url) is not LogKind.ENCRYPTED:
        return None, "", None
    if not username:
        raise NotSignedIn(
            "This log is encrypted: give --user with your user name (the password is asked "
            f"for, or read from {PASSWORD_VARIABLE})."
        )
    path = log_file(database_url)
    assert path is not None
    password = _password(username)
    user_id, keys = unlock_with_password(path, username, password)
    return keys, password, user_id


def open_as_user(database_url: str | None, username: str | None) -> tuple[OpenedLog, int]:
    """Open the log (an encrypted one with the user's password) and sign the user in:
    (the log, the account's id). FootprintError with the reason if not."""
    from app.core.startup import open_log

    keys, password, slot_user = command_keys(database_url, username)
    log = open_log(database_url, create=False, keys=keys)
    try:
        if slot_user is not None:  # a log restored from before a change of password
            from app.core.services.accounts import take_password_from_key_slot

            with log.database.write(SYSTEM) as session:
                take_password_from_key_slot(session, slot_user, password)
        return log, command_user(log.database, username, password=password or None)
    except BaseException:
        log.database.dispose()
        raise


def command_user(database: Database, username: str | None, *, password: str | None = None) -> int:
    """The id of the account the command acts as; NotSignedIn with the reason if none."""
    with database.read(SYSTEM) as session:
        if needs_first_account(session):
            first = first_user_id(session)
            if first is None:
                raise NotSignedIn("The log has no users yet: open it in Footprint first.")
            return first
    if not username:
        raise NotSignedIn(
            "This log has accounts: give --user with your user name (the password is asked "
            f"for, or read from {PASSWORD_VARIABLE})."
        )
    if password is None:
        password = _password(username)
    with database.write(SYSTEM) as session:  # a wrong password is counted, as in the window
        user, refusal = attempt_sign_in(session, username, password)
        must_change = user.must_change_password if user is not None else False
        user_id = user.id if user is not None else None
    if refusal is not None or user_id is None:
        raise NotSignedIn(refusal.message if refusal else "Not signed in.")
    if must_change:
        raise NotSignedIn("Sign in to Footprint's window first, to choose your own password.")
    return user_id


def _password(username: str) -> str:
    """FOOTPRINT_PASSWORD, or the password typed at the terminal."""
    password = os.environ.get(PASSWORD_VARIABLE)
    return password if password is not None else _ask_password(username)


def _ask_password(username: str) -> str:
    """The password typed at the terminal; NotSignedIn when there is no terminal to ask in
    (run from a scheduled task, or with its input redirected)."""
    no_terminal = NotSignedIn(
        "There is no terminal to ask for the password in: set the "
        f"{PASSWORD_VARIABLE} variable to it, or run the command in a terminal."
    )
    if sys.stdin is None or sys.stdin.closed or not sys.stdin.isatty():
        raise no_terminal
    try:
        return getpass.getpass(f"Password for {username}: ")
    except EOFError:  # the terminal went away, or Ctrl-D
        raise no_terminal from None
