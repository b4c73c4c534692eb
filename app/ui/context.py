"""What every screen needs to reach the services: the database and the acting user."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.errors import DatabaseError
from app.core.permissions import Permission, allows, may
from app.core.services.changes import Changes, recording_changes
from app.core.services.users import get_user
from app.core.startup import explain_operational_error
from app.core.vocab import UserRole
from app.logging_setup import sanitised_traceback

if TYPE_CHECKING:
    from app.core.models import User

T = TypeVar("T")
log = logging.getLogger(__name__)


def as_footprint(database: Database, work: Callable[[Session], T]) -> T:
    """Run `work` as Footprint itself (SYSTEM), before or outside anyone's sign-in: making
    the first account, checking a password (whose failures are counted and kept). A
    database that can't be used is a DatabaseError with the reason."""
    try:
        with database.write(SYSTEM) as session:
            return work(session)
    except OperationalError as exc:
        raise DatabaseError(explain_operational_error(exc)) from None
    except SQLAlchemyError as exc:
        log.error("sign-in not checked: %s", sanitised_traceback(type(exc), exc.__traceback__))
        raise DatabaseError("The log can't be reached just now: try again in a moment.") from None


class AppContext(QObject):
    """Runs service calls in units of work and tells screens when data changed."""

    #: Emitted after a write that changed more than incidents (or F5, an import, a new
    #: day): every screen reads its data again.
    data_changed = Signal()
    #: Emitted instead after a write that touched only incidents, with what it changed
    #: (`Changes`): screens move just those rows, the counts and their due items.
    changed = Signal(object)

    def __init__(self, database: Database, user_id: int) -> None:
        super().__init__()
        self.database = database
        self.user_id = user_id
        self.role = self._role()

    def _role(self) -> UserRole:
        with self.database.read(self.user_id) as session:
            return get_user(session, self.user_id).role

    def switch_to(self, user_id: int) -> None:
        """Another account signed in: everything from now on is done as them."""
        self.user_id = user_id
        self.role = self._role()

    def username(self) -> str:
        """The signed-in account's user name."""
        return self.read(lambda s: get_user(s, self.user_id).username)

    def may(self, permission: Permission) -> bool:
        """Whether the signed-in account's role allows it (the window shows only that);
        approving exceptions also for a DSL the school named as the headteacher."""
        if allows(self.role, permission):
            return True
        if permission is Permission.APPROVE_EXCEPTIONS:
            return self.read(lambda s: may(s, permission))
        return False

    def read(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a read session, as the signed-in user (what they may see)."""
        try:
            with self.database.read(self.user_id) as session:
                return work(session)
        except OperationalError as exc:
            raise DatabaseError(explain_operational_error(exc)) from None

    def write(self, work: Callable[[Session, User], T], *, announce: bool = True) -> T:
        """Run `work` as the acting user in one transaction; commit, then announce it
        (work on a worker thread passes `announce=False` and emits `data_changed` itself
        once back on the GUI thread, where the screens it refreshes live)."""
        try:
            with (
                self.database.write(self.user_id) as session,
                recording_changes(session) as changes,
            ):
                result = work(session, get_user(session, self.user_id))
        except OperationalError as exc:
            raise DatabaseError(explain_operational_error(exc)) from None
        except SQLAlchemyError as exc:
            # Anything else the database refuses: nothing was saved, and the screen that
            # asked keeps what was typed. The log gets where it failed, never the message
            # (PostgreSQL's quotes the row, names included).
            log.error(
                "database error while saving: %s", sanitised_traceback(type(exc), exc.__traceback__)
            )
            raise DatabaseError(
                "The log could not save this (the database reported an error). Nothing was "
                "saved; what you typed is still on screen."
            ) from None
        if announce:
            self.announce(changes)
        return result

    def announce(self, changes: Changes | None = None) -> None:
        """Tell the screens what changed (None: anything may have)."""
        if changes is not None and changes.only_incidents and changes.incidents:
            self.changed.emit(changes)
        else:
            self.data_changed.emit()

    def look(self, work: Callable[[Session], T]) -> T:
        """Run `work` — a service that shows, prints or exports personal data and puts
        that on the audit trail — in a writing unit of work that announces no change. If
        the trail can't be written, nothing is shown (DatabaseError with the reason)."""
        try:
            with self.database.write(self.user_id) as session:
                return work(session)
        except OperationalError as exc:
            raise DatabaseError(
                "This can't be shown: the audit trail could not record it. "
                + explain_operational_error(exc)
            ) from None
        except SQLAlchemyError as exc:
            log.error("look not recorded: %s", sanitised_traceback(type(exc), exc.__traceback__))
            raise DatabaseError(
                "This can't be shown: the audit trail could not record it (the database "
                "reported an error)."
            ) from None
