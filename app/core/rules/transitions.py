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
}
#: Outcomes that say the post came down, so the removal must have been checked.
REMOVAL_OUTCOMES = frozenset({D.REMOVED, D.PARTLY_REMOVED})

E = EscalationStatus
ESCALATION_STATUSES: dict[EscalationStatus, frozenset[EscalationStatus]] = {
    E.OPEN: frozenset({E.ACKNOWLEDGED, E.ACTIONED, E.CLOSED_NFA}),
    E.ACKNOWLEDGED: frozenset({E.ACTIONED, E.CLOSED_NFA}),
    E.ACTIONED: frozenset({E.CLOSED_NFA}),
    E.CLOSED_NFA: frozenset(),
}

K = EscalationKind
#: What the other body's reference is called; kinds in REFERENCE_REQUIRED always give one.
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
# (A 999 call is logged at once; its reference often comes later, so it is not required.)
REFERENCE_REQUIRED = frozenset({K.REPORT_HARMFUL_CONTENT, K.POSH, K.POLICE_NON_EMERGENCY})
#: Report Harmful Content takes a report only once the platform has had this long.
RHC_WAIT_HOURS = 48
