"""Incidents where someone outside the school community posted."""

from __future__ import annotations

from app.core.demo.scenarios.model import THIRD_PARTY, Scenario, Where
from app.core.vocab import Audience, Category, EscalationKind, IncidentOutcome, Platform, Severity

A, C, E, Out, P, S = Audience, Category, EscalationKind, IncidentOutcome, Platform, Severity

OUTSIDER_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "mumsnet_thread",
        5,
        (C.COMPLAINT_SHARED, C.DISREPUTE),
        "tp:anonymous",
        "school",
        (Where(P.MUMSNET, A.PUBLIC_PAGE), Where(P.OTHER, A.PUBLIC_PAGE, "Reddit")),
        (S.LOW, S.MEDIUM),
        (
            "Anonymous user started a public thread asking about the school, with critical "
            "comments about SEND support; the school is named in the title.",
            "Anonymous public post describing the school as badly led, referring to {event}; "
            "no staff or pupils are named.",
        ),
        (
            "Thread read in full; no pupils are identifiable.",
            "Advice taken from POSH: report to the site moderators rather than reply.",
            "Reported to the moderators using the site's own form.",
        ),
        "search",
        THIRD_PARTY,
        (E.PLATFORM_REPORT, E.POSH),
        removal=False,
        min_year=0,
    ),
    Scenario(
        "stranger_contact",
        5,
        (C.POTENTIALLY_ILLEGAL, C.GROOMING),
        "tp:stranger",
        "pupil",
        (
            Where(P.ROBLOX, A.DIRECT_MESSAGE),
            Where(P.DISCORD, A.DIRECT_MESSAGE),
            Where(P.SNAPCHAT, A.DIRECT_MESSAGE),
            Where(P.OTHER, A.DIRECT_MESSAGE, "Fortnite"),
        ),
        (S.HIGH, S.CRITICAL),
        (
            "{year} pupil told their parent that an unknown user in a game asked personal "
            "questions and asked them to move to a private chat app.",
            "{year} pupil received messages from an unknown account offering in-game currency "
            "in exchange for photographs.",
        ),
        (
            "Parent advised not to reply and to keep the device as it is.",
            "Online safety advice sent to the family, including how to block and report.",
            "Police confirmed a report has been made and gave a reference.",
        ),
        "parent",
        (Out.HANDED_TO_OTHER_AGENCY, Out.POST_REMOVED),
        (E.CEOP, E.POLICE_NON_EMERGENCY, E.CHILDRENS_SOCIAL_CARE, E.PLATFORM_REPORT),
        removal=False,
        extra_categories=(C.UNDERAGE_USE,),
        safeguarding=1.0,
        min_year=2,
    ),
    Scenario(
        "sextortion",
        1,
        (C.SEXTORTION,),
        "tp:stranger",
        "pupil",
        (Where(P.INSTAGRAM, A.DIRECT_MESSAGE), Where(P.SNAPCHAT, A.DIRECT_MESSAGE)),
        (S.CRITICAL,),
        (
            "{year} pupil told a teacher that an unknown account was threatening to share a "
            "picture of them unless they paid. Staff did not view any image.",
        ),
        (
            "Pupil told not to pay or reply, and that they were right to tell.",
            "Report Remove information given to the pupil and their parent.",
            "CEOP report made; the police contacted the family.",
        ),
        "target",
        (Out.HANDED_TO_OTHER_AGENCY,),
        (E.CEOP, E.IWF_REPORT_REMOVE, E.POLICE_NON_EMERGENCY),
        removal=False,
        safeguarding=1.0,
        min_year=5,
    ),
    Scenario(
        "fake_school_account",
        4,
        (C.IMPERSONATION, C.DISREPUTE),
        "tp:impersonator",
        "school",
        (Where(P.INSTAGRAM, A.PUBLIC_PAGE), Where(P.TIKTOK, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "Account using the school's name and logo is posting joke announcements, "
            "including a false closure notice.",
            "Account presenting itself as the school's official page is following pupils "
            "and parents.",
        ),
        (
            "Parents told by email that the school has no account on this platform.",
            "Impersonation report submitted with a copy of the school's logo registration.",
        ),
        "search",
        THIRD_PARTY,
        (E.PLATFORM_REPORT, E.POSH),
        removal=False,
        min_year=0,
    ),
    Scenario(
        "hate_page",
        3,
        (C.EXTREMISM,),
        "tp:extremist",
        "school",
        (
            Where(P.FACEBOOK, A.PUBLIC_PAGE),
            Where(P.X, A.PUBLIC_PAGE),
            Where(P.TIKTOK, A.PUBLIC_PAGE),
        ),
        (S.HIGH, S.CRITICAL),
        (
            "Page that shares hateful material commented on the school's post about {event}, "
            "targeting families by religion.",
            "Anonymous account posted material associated with an extremist group, naming "
            "the school and linking to a recruitment page.",
        ),
        (
            "Prevent lead at the local authority consulted the same day.",
            "Report made to the platform and to Report Harmful Content.",
        ),
        "search",
        (Out.HANDED_TO_OTHER_AGENCY, Out.POST_REMOVED, Out.POST_REMAINS),
        (E.PREVENT, E.PLATFORM_REPORT, E.REPORT_HARMFUL_CONTENT),
        removal=False,
        extra_categories=(C.POTENTIALLY_ILLEGAL,),
        min_year=0,
    ),
    Scenario(
        "praise_public",
        2,
        (C.PRAISE,),
        "tp:councillor",
        "school",
        (Where(P.FACEBOOK, A.PUBLIC_PAGE),),
        (S.LOW,),
        ("Local councillor posted about the school's litter pick and thanked the pupils.",),
        ("Checked that no pupil is named in the post; none is.",),
        "search",
        (Out.NO_ACTION_NEEDED,),
        removal=False,
        min_year=0,
    ),
    Scenario(
        "news_photo",
        3,
        (C.IMAGE_WITHOUT_CONSENT,),
        "tp:news",
        "pupil",
        (Where(P.FACEBOOK, A.PUBLIC_PAGE), Where(P.X, A.PUBLIC_PAGE)),
        (S.MEDIUM,),
        (
            "Local news page posted photos from {event} showing {year} pupils, including a "
            "pupil whose parents have not given photo consent.",
        ),
        (
            "Photo consent records checked: one pupil shown has no consent on file.",
            "Editor contacted by email with a request to remove or blur the image.",
        ),
        "parent",
        (Out.POST_REMOVED, Out.POST_PARTLY_REMOVED),
        (E.PLATFORM_REPORT,),
        image=True,
        min_year=1,
    ),
    Scenario(
        "gate_filming",
        2,
        (C.IMAGE_WITHOUT_CONSENT, C.OTHERWISE_INAPPROPRIATE),
        "tp:anonymous",
        "pupil",
        (Where(P.YOUTUBE, A.PUBLIC_PAGE), Where(P.TIKTOK, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "Video filmed outside the school gates at pick-up posted publicly, showing "
            "pupils' faces and the school sign.",
        ),
        (
            "Site manager checked the footage location: filmed from the public pavement.",
            "Parents informed by email and advised how to report the video.",
        ),
        "parent",
        THIRD_PARTY,
        (E.PLATFORM_REPORT, E.POSH, E.POLICE_NON_EMERGENCY),
        removal=False,
        image=True,
        min_year=0,
    ),
    Scenario(
        "confessions_page",
        4,
        (C.BULLYING, C.OTHERWISE_INAPPROPRIATE),
        "tp:anonymous",
        "pupil",
        (Where(P.INSTAGRAM, A.PUBLIC_PAGE), Where(P.TIKTOK, A.PUBLIC_PAGE)),
        (S.MEDIUM, S.HIGH),
        (
            "Anonymous account posting rumours about pupils at local schools posted about "
            "a {year} pupil by first name.",
        ),
        (
            "Pupil named in the post supported by the learning mentor.",
            "Report made to the platform under its bullying rules.",
        ),
        "parent",
        THIRD_PARTY,
        (E.PLATFORM_REPORT, E.POSH),
        removal=False,
        min_year=4,
    ),
    Scenario(
        "resident_parking",
        3,
        (C.OTHERWISE_INAPPROPRIATE,),
        "tp:resident",
        "school",
        (Where(P.OTHER, A.PUBLIC_PAGE, "Nextdoor"), Where(P.FACEBOOK, A.PUBLIC_PAGE)),
        (S.LOW,),
        (
            "Local resident posted photos of parents' cars parked across driveways at "
            "drop-off, with number plates visible, naming the school.",
        ),
        ("Reminder about considerate parking included in the newsletter.",),
        "search",
        (Out.NO_ACTION_NEEDED, Out.POST_REMAINS),
        removal=False,
        extra_categories=(C.IMAGE_WITHOUT_CONSENT,),
        min_year=0,
    ),
)
