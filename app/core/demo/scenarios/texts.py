"""Notes, rationales and school events shared by every scenario."""

from __future__ import annotations

from app.core.vocab import IncidentOutcome

Out = IncidentOutcome

#: Notes any incident can carry, in the order things usually happen.
TRIAGE_NOTES = (
    "Screenshots received by email from the person reporting and checked against the post.",
    "Viewed the post with the headteacher; it is still visible.",
    "Checked whether anyone else has raised the same post; no other reports so far.",
    "Spoke to the person reporting to confirm when they first saw the post.",
)
FOLLOW_UP_NOTES = (
    "Discussed with the headteacher; next steps agreed.",
    "Checked the post again at the end of the school day.",
    "Updated the class teacher on progress.",
)
MONITORING_NOTES = (
    "Checked again after a week: no further posts.",
    "Added to the weekly online check of the school's name.",
    "Spoke to the pupils involved again; no further problems reported.",
)

RATIONALES: dict[IncidentOutcome, str] = {
    Out.POST_REMOVED: "The post was removed after the school's request and removal was checked. "
    "No further action needed.",
    Out.POST_PARTLY_REMOVED: "The original post was deleted; some replies remain but they "
    "name no pupils or staff. Nothing further can reasonably be done.",
    Out.RESOLVED_WITHOUT_REMOVAL: "The concern was resolved directly with those involved. The "
    "post names no one and has not been shared further, so removal was not pursued.",
    Out.POST_REMAINS: "The platform decided the post does not break its rules and the account "
    "holder has not replied. POSH advice followed; staff supported.",
    Out.HANDED_TO_OTHER_AGENCY: "Referred to the appropriate agency, which now holds the case. "
    "The school's actions are complete and recorded here.",
    Out.NO_ACTION_NEEDED: "Reviewed with the headteacher: no breach of policy and no risk "
    "identified. Kept for the termly summary.",
}

#: School events by month, so a complaint in June is about sports day, not the nativity.
EVENTS_BY_MONTH: dict[int, tuple[str, ...]] = {
    1: ("the class assembly", "the Year 5 museum trip"),
    2: ("the Safer Internet Day assembly", "the class assembly"),
    3: ("World Book Day", "science week", "parents' evening"),
    4: ("the Easter bonnet parade", "the swimming gala"),
    5: ("the residential trip", "the farm visit"),
    6: ("sports day", "the summer fair", "the residential trip"),
    7: ("the Year 6 leavers' production", "sports day"),
    8: ("the holiday club",),
    9: ("the welcome picnic", "the first week of term"),
    10: ("the harvest festival", "parents' evening", "the school photo day"),
    11: ("the Children in Need day", "the Remembrance assembly"),
    12: ("the nativity", "the Christmas fair", "the carol concert"),
}
