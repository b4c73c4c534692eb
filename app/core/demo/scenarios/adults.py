"""Incidents where staff, governors, volunteers or contractors posted."""

from __future__ import annotations

from app.core.demo.scenarios.model import Scenario, Where
from app.core.vocab import Audience, Category, EscalationKind, IncidentOutcome, Platform, Severity

A, C, E, Out, P, S = Audience, Category, EscalationKind, IncidentOutcome, Platform, Severity

ADULT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "staff_contact",
        2,
        (C.PUPIL_STAFF_CONTACT,),
        "staff",
        "pupil",
        (Where(P.SNAPCHAT, A.DIRECT_MESSAGE), Where(P.INSTAGRAM, A.DIRECT_MESSAGE)),
        (S.HIGH, S.CRITICAL),
        (
            "Parent reported that a member of staff follows their {year} child's account and "
            "has commented on the child's posts.",
            "Member of staff accepted a follow request from a {year} pupil and exchanged "
            "messages about homework.",
        ),
        (
            "Headteacher informed the same day, as the policy requires for staff.",
            "LADO consulted; advice followed on next steps.",
            "Member of staff reminded of the staff code of conduct in writing.",
        ),
        "parent",
        (Out.HANDED_TO_OTHER_AGENCY, Out.RESOLVED_WITHOUT_REMOVAL),
        (E.LADO, E.STAFF_CODE_OF_CONDUCT),
        removal=False,
        extra_categories=(C.DISREPUTE,),
        safeguarding=1.0,
        min_year=4,
    ),
    Scenario(
        "staff_disrepute",
        3,
        (C.DISREPUTE,),
        "staff",
        "school",
        (Where(P.FACEBOOK, A.PUBLIC_PAGE), Where(P.X, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "Member of staff posted comments about a school policy on a public account, "
            "identifying the school.",
            "Member of staff posted photos from a staff social event that identify the school "
            "and include colleagues who did not agree to be shown.",
        ),
        (
            "Member of staff spoken to by the headteacher; they agreed to remove the posts.",
            "Staff reminded in the weekly briefing about privacy settings.",
        ),
        "search",
        (Out.POST_REMOVED, Out.RESOLVED_WITHOUT_REMOVAL),
        (E.STAFF_CODE_OF_CONDUCT, E.HEADTEACHER),
        extra_categories=(C.OTHERWISE_INAPPROPRIATE,),
        min_year=0,
    ),
    Scenario(
        "governor_post",
        1,
        (C.DISREPUTE,),
        "governor",
        "school",
        (Where(P.FACEBOOK, A.PRIVATE_GROUP),),
        (S.MEDIUM,),
        (
            "Governor shared details of a confidential governing board discussion in a "
            "private local group.",
        ),
        ("Chair of governors informed and spoke to the governor.",),
        "parent",
        (Out.POST_REMOVED,),
        (E.CHAIR_OF_GOVERNORS,),
        extra_categories=(C.OTHERWISE_INAPPROPRIATE,),
        min_year=0,
    ),
    Scenario(
        "contractor_photos",
        1,
        (C.IMAGE_WITHOUT_CONSENT,),
        "contractor",
        "pupil",
        (Where(P.INSTAGRAM, A.PUBLIC_PAGE), Where(P.FACEBOOK, A.PUBLIC_PAGE)),
        (S.MEDIUM,),
        (
            "Contractor posted photos taken during {event} on their business page, showing "
            "pupils' faces.",
        ),
        ("Contract terms on photography checked with the school business manager.",),
        "search",
        (Out.POST_REMOVED,),
        (E.HEADTEACHER,),
        image=True,
        min_year=0,
    ),
    Scenario(
        "volunteer_follows",
        1,
        (C.PUPIL_STAFF_CONTACT,),
        "volunteer",
        "pupil",
        (Where(P.TIKTOK, A.PUBLIC_PAGE), Where(P.INSTAGRAM, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        ("Volunteer was found to be following several {year} pupils' public accounts.",),
        (
            "Volunteer spoken to by the headteacher and asked to unfollow the pupils.",
            "Volunteer agreement re-signed.",
        ),
        "pupil",
        (Out.RESOLVED_WITHOUT_REMOVAL, Out.HANDED_TO_OTHER_AGENCY),
        (E.HEADTEACHER, E.LADO),
        removal=False,
        safeguarding=0.5,
        min_year=4,
    ),
)
