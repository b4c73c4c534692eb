"""An incident's status follows the work done on it: a request sent, an escalation made.

The DSL still decides "monitoring" and "closed"; those are never changed from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.vocab import IncidentStatus

S = IncidentStatus
#: The statuses that describe where the work has got to (the DSL's own decisions,
#: monitoring and closed, are left alone).
WORK_STATUSES = frozenset({S.NEW, S.IN_PROGRESS, S.AWAITING_REMOVAL, S.ESCALATED})


@dataclass(frozen=True)
class WorkDone:
    """What has happened on an incident, as far as its status is concerned."""

    escalation_open: bool = False
    request_waiting: bool = False
    request_sent: bool = False
    escalated: bool = False


def status_from_work(current: IncidentStatus, work: WorkDone) -> tuple[IncidentStatus, str] | None:
    """The status the work calls for and why, or None when it stays as it is."""
    if current not in WORK_STATUSES:
        return None
    if work.escalation_open:
        wanted, why = S.ESCALATED, "an escalation is open"
    elif work.request_waiting:
        wanted, why = S.AWAITING_REMOVAL, "a request to delete the post is waiting for a reply"
    elif work.request_sent or work.escalated:
        wanted, why = S.IN_PROGRESS, "action has been taken and nothing is waiting"
    elif current is S.NEW:
        return None
    else:  # what the status said was waiting was withdrawn (recorded in error)
        wanted, why = S.IN_PROGRESS, "nothing sent or escalated is open"
    return None if wanted is current else (wanted, why)
