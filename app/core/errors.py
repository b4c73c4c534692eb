"""Typed errors raised by the services; every message is a sentence a DSL understands."""

from __future__ import annotations


class FootprintError(Exception):
    """Base of every error a user can cause or meet."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(FootprintError):
    """Input that can't be stored; `field` names the form field the message belongs beside."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class NotAllowed(FootprintError):
    """The acting user may not do this, or the record's state forbids it."""


class Conflict(FootprintError):
    """Someone else changed the record first, or a unique value is already taken."""


class NotFound(FootprintError):
    """The record asked for does not exist (or is not visible to this user)."""


class DatabaseError(FootprintError):
    """The database can't be opened or used as asked (missing, locked, too new, on a share)."""


class LogLost(DatabaseError):
    """The log file is missing, empty or damaged where a log existed: never a new school.
    `backup` names the newest backup to offer (or None)."""

    def __init__(self, message: str, backup: object | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class NoLog(DatabaseError):
    """There is no log where one was asked for (and this use must not start a new one)."""


class DecisionNeeded(NotAllowed):
    """The action needs the DSL's recorded decision first (e.g. closing with requests still
    open); `decision` names which, `items` lists what is outstanding."""

    def __init__(self, decision: str, message: str, items: list[str] | None = None) -> None:
        super().__init__(message)
        self.decision = decision
        self.items = items or []
