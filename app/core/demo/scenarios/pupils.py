"""Incidents where a pupil posted: group chats, videos, fake accounts, follow requests."""

from __future__ import annotations

from app.core.demo.scenarios.model import REMOVED, Scenario, Where
from app.core.vocab import (
    Audience,
    Category,
    EscalationKind,
    IncidentOutcome,
    Platform,
    PrejudiceType,
    Severity,
)

A, C, E, Out, P, S = Audience, Category, EscalationKind, IncidentOutcome, Platform, Severity

PUPIL_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "pupil_group_chat",
        15,
        (C.BULLYING,),
        "pupil",
        "pupil",
        (
            Where(P.SNAPCHAT, A.PRIVATE_GROUP),
            Where(P.WHATSAPP, A.PRIVATE_GROUP),
            Where(P.INSTAGRAM, A.DIRECT_MESSAGE),
        ),
        (S.MEDIUM, S.MEDIUM, S.HIGH),
        (
            "{year} pupils set up a group chat that left one classmate out; unkind messages "
            "about the classmate were posted in it.",
            "{year} pupil sent repeated unkind messages to a classmate over the weekend.",
            "Group of {year} pupils shared a nickname for another pupil in a group chat, "
            "which the pupil found upsetting.",
        ),
        (
            "Spoke to the pupil concerned, who was upset but wanted to stay in class.",
            "Spoke to the pupils in the group with the class teacher; they accepted the "
            "messages were unkind.",
            "Restorative meeting held between the pupils.",
            "Check-in with the learning mentor arranged for the following week.",
        ),
        "parent",
        REMOVED,
        (E.BEHAVIOUR_POLICY,),
        extra_categories=(C.UNDERAGE_USE,),
        safeguarding=0.1,
        min_year=4,
    ),
    Scenario(
        "playground_video",
        6,
        (C.IMAGE_WITHOUT_CONSENT,),
        "pupil",
        "pupil",
        (Where(P.TIKTOK, A.PUBLIC_PAGE), Where(P.YOUTUBE, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "{year} pupil posted a video filmed in the playground showing another pupil "
            "falling over, with mocking captions.",
            "Clip of {year} pupils at {event} posted publicly by a pupil, showing faces and "
            "school uniform.",
        ),
        (
            "Parents of the pupils shown were told and asked whether they consent; they do not.",
            "Pupil who posted the video spoke to the DSL and understood why it must come down.",
            "Reminder about filming on site given in the {year} assembly.",
        ),
        "teacher",
        REMOVED,
        (E.BEHAVIOUR_POLICY, E.PLATFORM_REPORT),
        extra_categories=(C.UNDERAGE_USE, C.BULLYING),
        image=True,
        min_year=4,
    ),
    Scenario(
        "fake_teacher_account",
        4,
        (C.IMPERSONATION, C.BULLYING),
        "pupil",
        "teacher",
        (Where(P.TIKTOK, A.PUBLIC_PAGE), Where(P.INSTAGRAM, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "{year} pupils created an account pretending to be their teacher and posted "
            "edited photos of the teacher.",
            "Account using a {year} teacher's name posted made-up quotes about pupils.",
        ),
        (
            "Teacher supported by the headteacher and offered time out of class.",
            "Pupils involved identified through their own admission.",
        ),
        "teacher",
        REMOVED,
        (E.PLATFORM_REPORT, E.BEHAVIOUR_POLICY),
        extra_categories=(C.UNDERAGE_USE,),
        min_year=5,
    ),
    Scenario(
        "pupil_follow_request",
        6,
        (C.PUPIL_STAFF_CONTACT,),
        "pupil",
        "assistant",
        (Where(P.INSTAGRAM, A.DIRECT_MESSAGE), Where(P.TIKTOK, A.DIRECT_MESSAGE)),
        (S.LOW,),
        (
            "{year} pupil sent a follow request to a teaching assistant's private account. "
            "The request was declined and reported, as the policy asks.",
            "{year} pupil found a member of staff's account and sent a friend request; the "
            "member of staff declined it and told the DSL the same day.",
        ),
        (
            "Spoke to the pupil about why pupils and staff are not friends on social media.",
            "Parent informed and reminded about age limits on the platform.",
        ),
        "target",
        (Out.NO_ACTION_NEEDED, Out.RESOLVED_WITHOUT_REMOVAL),
        removal=False,
        extra_categories=(C.UNDERAGE_USE,),
        min_year=4,
    ),
    Scenario(
        "pupil_shares_extremist_meme",
        2,
        (C.EXTREMISM,),
        "pupil",
        "school",
        (Where(P.WHATSAPP, A.PRIVATE_GROUP), Where(P.DISCORD, A.PRIVATE_GROUP)),
        (S.HIGH,),
        (
            "{year} pupil shared a meme containing extremist symbols in a group chat with "
            "classmates; the pupil said they did not know what it meant.",
        ),
        (
            "Spoke to the pupil with a parent present; the pupil was open and remorseful.",
            "Prevent duty guidance followed; consultation with the local authority.",
        ),
        "pupil",
        (Out.RESOLVED_WITHOUT_REMOVAL, Out.POST_REMOVED, Out.HANDED_TO_OTHER_AGENCY),
        (E.PREVENT, E.BEHAVIOUR_POLICY),
        extra_categories=(C.UNDERAGE_USE,),
        safeguarding=0.5,
        min_year=5,
    ),
    Scenario(
        "discord_content",
        4,
        (C.OTHERWISE_INAPPROPRIATE, C.UNDERAGE_USE),
        "pupil",
        "pupil",
        (Where(P.DISCORD, A.PRIVATE_GROUP), Where(P.YOUTUBE, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "{year} pupils joined a server where age-inappropriate videos were being shared; "
            "one pupil shared a link with classmates.",
            "{year} pupil runs a gaming channel showing their face, first name and school jumper.",
        ),
        (
            "Parents of the pupils told and given advice on age ratings and parental controls.",
            "Online safety lesson for {year} brought forward.",
        ),
        "pupil",
        REMOVED,
        (E.BEHAVIOUR_POLICY,),
        safeguarding=0.3,
        min_year=4,
    ),
    Scenario(
        "shared_image",
        2,
        (C.NUDE_IMAGE,),
        "pupil",
        "pupil",
        (Where(P.SNAPCHAT, A.PRIVATE_GROUP), Where(P.WHATSAPP, A.PRIVATE_GROUP)),
        (S.CRITICAL,),
        (
            "{year} pupil disclosed that an indecent image of another pupil was being shared "
            "in a group chat. Staff did not view or copy the image.",
        ),
        (
            "Handled in line with the UKCIS guidance on sharing nudes; devices not searched "
            "by staff.",
            "Parents of both pupils informed after advice from children's social care.",
            "Report Remove information given to the pupil shown and their parent.",
        ),
        "pupil",
        (Out.HANDED_TO_OTHER_AGENCY,),
        (E.IWF_REPORT_REMOVE, E.CHILDRENS_SOCIAL_CARE, E.POLICE_NON_EMERGENCY),
        removal=False,
        extra_categories=(C.UNDERAGE_USE,),
        image=True,
        safeguarding=1.0,
        min_year=5,
    ),
    Scenario(
        "prejudice_comment",
        3,
        (C.PREJUDICE_BASED, C.BULLYING),
        "pupil",
        "pupil",
        (Where(P.WHATSAPP, A.PRIVATE_GROUP), Where(P.ROBLOX, A.DIRECT_MESSAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "{year} pupil posted a prejudice-based comment about a classmate in a group chat; "
            "the classmate's parent reported it.",
            "{year} pupil sent a classmate messages targeting who they are; a friend showed "
            "the class teacher.",
        ),
        (
            "Spoke to the pupil who posted, with their parent; restorative conversation held.",
            "Classmate and their family offered support; check-ins arranged with the class "
            "teacher.",
            "Recorded for the school's analysis of prejudice-based incidents.",
        ),
        "parent",
        REMOVED,
        (E.BEHAVIOUR_POLICY,),
        safeguarding=0.2,
        min_year=4,
        prejudice=(
            PrejudiceType.RACIST,
            PrejudiceType.RELIGIOUS,
            PrejudiceType.HOMOPHOBIC,
            PrejudiceType.TRANSPHOBIC,
            PrejudiceType.DISABILITY,
            PrejudiceType.SEXIST,
        ),
    ),
    Scenario(
        "self_harm_post",
        1,
        (C.SELF_HARM,),
        "pupil",
        "school",
        (Where(P.INSTAGRAM, A.PRIVATE_GROUP), Where(P.TIKTOK, A.PUBLIC_PAGE)),
        (S.HIGH, S.CRITICAL),
        (
            "{year} pupil posted a story on their own account suggesting they wanted to hurt "
            "themselves; a friend told a teacher the next morning.",
        ),
        (
            "DSL spoke with the pupil the same morning; their parent was told and came in.",
            "Early help discussed with the parent; school nurse referral made.",
            "Pupil has a named adult to check in with each day.",
        ),
        "pupil",
        (Out.RESOLVED_WITHOUT_REMOVAL, Out.HANDED_TO_OTHER_AGENCY),
        (E.EARLY_HELP_MASH, E.CHILDRENS_SOCIAL_CARE),
        removal=False,
        safeguarding=1.0,
        min_year=5,
    ),
)
