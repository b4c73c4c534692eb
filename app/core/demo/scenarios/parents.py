"""Incidents where a parent or carer posted: complaints, arguments, photos and praise."""

from __future__ import annotations

from app.core.demo.scenarios.model import REMOVED, Scenario, Where
from app.core.vocab import Audience, Category, EscalationKind, IncidentOutcome, Platform, Severity

A, C, E, Out, P, S = Audience, Category, EscalationKind, IncidentOutcome, Platform, Severity

PARENT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "class_chat_complaint",
        16,
        (C.COMPLAINT_SHARED,),
        "parent",
        "teacher",
        (Where(P.WHATSAPP, A.PARENT_CHAT), Where(P.FACEBOOK, A.PRIVATE_GROUP)),
        (S.LOW, S.MEDIUM, S.MEDIUM),
        (
            "Parent posted a complaint about {event} in the {year} class WhatsApp group, "
            "naming the class teacher.",
            "Parent of a {year} pupil criticised the handling of a playground disagreement in "
            "the parents' group chat and named the teacher on duty.",
            "Parent shared a complaint about homework in {year} in the class parents' chat; "
            "several other parents added comments agreeing.",
        ),
        (
            "Class teacher informed and offered support; they had not seen the messages.",
            "Parent invited to meet the headteacher to discuss the concern directly.",
            "Met the parent with the headteacher; the complaints procedure was explained.",
        ),
        "parent",
        REMOVED,
        (E.COMPLAINTS_PROCEDURE, E.HEADTEACHER),
        extra_categories=(C.RUDE_OR_INSULTING,),
    ),
    Scenario(
        "public_complaint",
        7,
        (C.COMPLAINT_SHARED, C.DISREPUTE),
        "parent",
        "head",
        (Where(P.FACEBOOK, A.PUBLIC_PAGE), Where(P.X, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "Parent posted on a public local page criticising the school's response to a "
            "bullying concern and naming the headteacher.",
            "Parent replied to the school's post about {event} with criticism of the "
            "headteacher; the reply is visible to the public.",
        ),
        (
            "Headteacher informed; agreed not to respond publicly.",
            "Chair of governors made aware in case the parent contacts governors.",
            "Parent contacted by phone and invited to use the complaints procedure.",
        ),
        "search",
        REMOVED,
        (E.COMPLAINTS_PROCEDURE, E.CHAIR_OF_GOVERNORS, E.POSH),
        extra_categories=(C.RUDE_OR_INSULTING,),
    ),
    Scenario(
        "aggressive_parent",
        6,
        (C.AGGRESSIVE,),
        "parent",
        "teacher",
        (Where(P.WHATSAPP, A.PARENT_CHAT), Where(P.FACEBOOK, A.PUBLIC_PAGE)),
        (S.HIGH, S.HIGH, S.CRITICAL),
        (
            "Parent posted messages about a {year} teacher that the teacher found "
            "intimidating, including a reference to waiting for them after school.",
            "Parent made threatening comments about a member of staff in a group chat after "
            "their child was given a detention.",
        ),
        (
            "Teacher spoken to and supported; arrangements made for leaving site at the end of "
            "the day.",
            "Headteacher wrote to the parent setting out expected conduct on the school site.",
            "Police advice sought on whether the messages amount to an offence.",
        ),
        "target",
        (Out.POST_REMOVED, Out.HANDED_TO_OTHER_AGENCY, Out.RESOLVED_WITHOUT_REMOVAL),
        (E.HEADTEACHER, E.POLICE_NON_EMERGENCY),
        extra_categories=(C.RUDE_OR_INSULTING,),
    ),
    Scenario(
        "parents_falling_out",
        5,
        (C.RUDE_OR_INSULTING,),
        "parent",
        "parent",
        (Where(P.WHATSAPP, A.PARENT_CHAT), Where(P.FACEBOOK, A.PRIVATE_GROUP)),
        (S.LOW, S.MEDIUM),
        (
            "Two {year} parents argued in the class group chat after a dispute at a birthday "
            "party; one posted insulting remarks about the other.",
            "Parent posted unkind comments about another family in the {year} parents' group "
            "following a disagreement at pick-up.",
        ),
        (
            "Both parents reminded of the school's expectations on social media.",
            "Class representative asked to remind the group of its own rules.",
        ),
        "parent",
        REMOVED,
        (E.HEADTEACHER,),
        extra_categories=(C.AGGRESSIVE,),
        min_year=0,
    ),
    Scenario(
        "praise",
        7,
        (C.PRAISE,),
        "parent",
        "school",
        (Where(P.FACEBOOK, A.PUBLIC_PAGE), Where(P.X, A.PUBLIC_PAGE)),
        (S.LOW,),
        (
            "Parent posted thanks to the {year} team for {event} on a public community page.",
            "Parent left a public review praising the school's support for their child.",
        ),
        ("Shared with the staff concerned at the morning briefing.",),
        "search",
        (Out.NO_ACTION_NEEDED,),
        removal=False,
        min_year=0,
    ),
    Scenario(
        "parent_photos",
        6,
        (C.IMAGE_WITHOUT_CONSENT,),
        "parent",
        "pupil",
        (Where(P.FACEBOOK, A.PUBLIC_PAGE), Where(P.INSTAGRAM, A.PUBLIC_PAGE)),
        (S.LOW, S.MEDIUM),
        (
            "Parent posted photos from {event} on a public account showing other {year} "
            "pupils in school uniform.",
            "Parent shared a video of {event} publicly; other children can be identified.",
        ),
        (
            "Parent contacted and reminded of the policy on photographs of other children.",
            "Families of children shown were told the post has been raised with the poster.",
        ),
        "parent",
        REMOVED,
        (E.HEADTEACHER,),
        image=True,
        min_year=0,
    ),
    Scenario(
        "rude_about_head",
        4,
        (C.RUDE_OR_INSULTING,),
        "parent",
        "head",
        (Where(P.X, A.PUBLIC_PAGE), Where(P.FACEBOOK, A.PRIVATE_GROUP)),
        (S.MEDIUM,),
        (
            "Parent posted personal insults about the headteacher after a letter about attendance.",
            "Parent replied to the school's announcement about {event} with insulting "
            "comments about the headteacher.",
        ),
        ("Headteacher informed and offered support.",),
        "search",
        REMOVED,
        (E.CHAIR_OF_GOVERNORS, E.POSH),
        extra_categories=(C.DISREPUTE,),
        min_year=0,
    ),
)
