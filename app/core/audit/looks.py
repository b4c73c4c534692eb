"""Looks, prints and exports on the trail, recorded by the services that produce them.

What was looked at is named by a `Record`, never free text, and the entry is written in
the same unit of work that produces the data: if the trail can't be written (a read-only
or full disk), the unit of work fails and nothing is shown, printed or saved — a look is
never shown unrecorded ("fail closed"). A look needs a *writing* unit of work.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from app.core.actors import ACTOR
from app.core.audit.capture import record_read
from app.core.audit.chain import Action

#: The session.info key set by `Database.write`: this unit of work may write.
WRITES = "footprint_writes"


class Record(StrEnum):
    """What a look, a print or an export was of (the trail's table name)."""

    INCIDENT = "incident"
    PERSON = "person"
    EVIDENCE = "evidence"
    LETTER = "letter"
    GOVERNORS_REPORT = "governors_report"
    INSPECTION_LIST = "inspection_list"
    SUBJECT_ACCESS = "subject_access_request"
    LOG = "log"  # the whole log: a backup made or restored


class LookNotRecorded(RuntimeError):
    """A look was asked for in a unit of work that can't record it (a programming error)."""


def record_look(
    session: Session,
    action: Action,
    record: Record,
    record_id: int | None = None,
    **detail: object,
) -> None:
    """Put a look (READ, SEARCH), a print or an export by the unit of work's actor on the
    trail, in this unit of work."""
    if not isinstance(record, Record) or not isinstance(action, Action):
        raise TypeError("a look names its Action and Record, not free text")
    if not session.info.get(WRITES):
        raise LookNotRecorded(
            f"{action} of {record} asked for in a unit of work that only reads: "
            "open it with Database.write so the look is recorded"
        )
    actor = session.info.get(ACTOR)
    user_id = actor if isinstance(actor, int) else None
    record_read(session, user_id, action, str(record), record_id, dict(detail))
