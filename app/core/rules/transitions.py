"""Which outcome or status may follow which: requests and escalations."""

from __future__ import annotations

from app.core.vocab import DeletionOutcome, EscalationKind, EscalationStatus

D = DeletionOutcome
#: A request's outcome moves on only in these ways (a late reply can still bring removal).
REQUEST_OUTCOMES: dict[DeletionOutcome, frozenset[DeletionOutcome]] = {
    D.PENDING: frozenset({D.REMOVED, D.PARTLY_REMOVED, D.REFUSED, D.NO_REPLY, D.WITHDRAWN}),
    D.NO_REPLY: frozenset({D.REMOVED, D.PARTLY_REMOVED, D.REFUSED}),
    D.PARTLY_REMOVED: frozenset({D.REMOVED}),
    D.REFUSED: frozenset({D.REMOVED, D.PARTLY_REMOVED}),
    D.REMOVED: frozenset(),
    D.WITHDRAWN: frozenset(),
    # Set only by another request's removal, never chosen.
    D.SUPERSEDED: frozenset(),
}
#: Outcomes that say the post came down, so the removal must have been checked.
REMOVAL_OUTCOMES = frozenset({D.REMOVED, D.PARTLY_REMOVED})

E = EscalationStatus
#: An escalation still being followed up; every other status is its final outcome.
OPEN_ESCALATION_STATUSES = frozenset({E.OPEN, E.ACKNOWLEDGED})
FINAL_ESCALATION_STATUSES = frozenset(E) - OPEN_ESCALATION_STATUSES
ESCALATION_STATUSES: dict[EscalationStatus, frozenset[EscalationStatus]] = {
    E.OPEN: frozenset({E.ACKNOWLEDGED}) | FINAL_ESCALATION_STATUSES,
    E.ACKNOWLEDGED: FINAL_ESCALATION_STATUSES,
    **{final: frozenset() for final in FINAL_ESCALATION_STATUSES},
}

K = EscalationKind
#: What the other body's reference is called; kinds in REFERENCE_REQUIRED always give one
#: in the end (it may come after the contact: see REFERENCE_REMINDED).
REFERENCE_LABELS: dict[EscalationKind, str] = {
    K.PLATFORM_REPORT: "platform report ID",
    K.REPORT_HARMFUL_CONTENT: "Report Harmful Content reference",
    K.POSH: "helpline case number",
    K.POLICE_EMERGENCY: "police incident or crime reference",
    K.POLICE_NON_EMERGENCY: "police incident or crime reference",
    K.PREVENT: "Prevent referral reference",
    K.LADO: "LADO reference",
    K.CHILDRENS_SOCIAL_CARE: "referral number",
}
# The references the school must have in the end. None is demanded at the time of the
# contact (a case number or crime reference often comes later): a reminder follows.
REFERENCE_REQUIRED = frozenset({K.REPORT_HARMFUL_CONTENT, K.POSH, K.POLICE_NON_EMERGENCY})
#: Report Harmful Content takes a report only once the platform has had this long.
RHC_WAIT_HOURS = 48

#: The outcomes that exist in life for each route (a platform acts on a report or
#: declines, a helpline advises, the police take no further action, a referral is
#: accepted or not). A route not named here may end in any final outcome.
_PLATFORM = frozenset({E.ACTIONED, E.NOT_ACTIONED, E.CLOSED_NFA})
_REFERRAL = frozenset(
    {E.REFERRAL_ACCEPTED, E.REFERRAL_NOT_ACCEPTED, E.ADVISED, E.ACTIONED, E.CLOSED_NFA}
)
_POLICE = frozenset({E.ACTIONED, E.POLICE_NFA, E.ADVISED, E.CLOSED_NFA})
_SCHOOL = frozenset({E.ACTIONED, E.CLOSED_NFA})
FINAL_OUTCOMES_BY_KIND: dict[EscalationKind, frozenset[EscalationStatus]] = {
    K.PLATFORM_REPORT: _PLATFORM,
    K.REPORT_HARMFUL_CONTENT: _PLATFORM | {E.ADVISED},
    K.POSH: frozenset({E.ADVISED, E.ACTIONED, E.NOT_ACTIONED, E.CLOSED_NFA}),
    K.POLICE_EMERGENCY: _POLICE,
    K.POLICE_NON_EMERGENCY: _POLICE,
    K.PREVENT: _REFERRAL,
    K.LADO: _REFERRAL,
    K.CHILDRENS_SOCIAL_CARE: _REFERRAL,
    K.BEHAVIOUR_POLICY: _SCHOOL,
    K.STAFF_CODE_OF_CONDUCT: _SCHOOL,
    K.COMPLAINTS_PROCEDURE: _SCHOOL,
    K.HEADTEACHER: _SCHOOL | {E.ADVISED},
    K.CHAIR_OF_GOVERNORS: _SCHOOL | {E.ADVISED},
}


def statuses_for(kind: EscalationKind, current: EscalationStatus) -> list[EscalationStatus]:
    """Where an escalation to `kind` that is `current` may go next, in vocabulary order."""
    finals = FINAL_OUTCOMES_BY_KIND.get(kind, FINAL_ESCALATION_STATUSES)
    allowed = {s for s in ESCALATION_STATUSES[current] if s in OPEN_ESCALATION_STATUSES}
    allowed |= ESCALATION_STATUSES[current] & finals
    return [s for s in E if s in allowed]


#: Routes whose reference often comes after the contact (a helpline opens a case later,
#: the police give a crime reference later): the escalation is recorded without it and a
#: reminder to add it falls due this many days on. A platform report often has none.
REFERENCE_REMINDED = (frozenset(REFERENCE_LABELS) - {K.PLATFORM_REPORT}) | REFERENCE_REQUIRED
REFERENCE_REMINDER_DAYS = 2
