"""Next-step guidance from the facts of an incident, following the school's policy and
the national guidance (KCSIE; UKCIS, Sharing nudes and semi-nudes, 2024; the Prevent duty
guidance; SWGfL's Report Harmful Content and Professionals Online Safety Helpline; the
ICO on personal data breaches).

Advice only: each step names a one-click action the DSL may take; nothing happens
by itself. Each step's `why` names where the advice comes from, in a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.core.rules.transitions import RHC_WAIT_HOURS
from app.core.timefmt import format_date, format_datetime
from app.core.vocab import (
    SCHOOL_COMMUNITY,
    Category,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    IncidentStatus,
    PersonKind,
)

#: Posts that may be evidence of a crime or of extremism.
EVIDENCE_CATEGORIES = frozenset(
    {Category.POTENTIALLY_ILLEGAL, Category.AGGRESSIVE, Category.EXTREMISM}
)
#: Sexual harm to children: reported to CEOP, the IWF or the police, never asked to be
#: deleted by letter, and never taken to Report Harmful Content.
SEXUAL_HARM_CATEGORIES = frozenset({Category.NUDE_IMAGE, Category.SEXTORTION, Category.GROOMING})
#: Report Harmful Content does not handle terrorist content or child sexual abuse
#: imagery (SWGfL): those go to ACT, and to the IWF, CEOP or the police.
NO_RHC_CATEGORIES = frozenset({Category.EXTREMISM} | SEXUAL_HARM_CATEGORIES)
#: Adults at the school whose contact with a pupil may be an allegation.
ADULT_STAFF = frozenset(
    {PersonKind.STAFF, PersonKind.GOVERNOR, PersonKind.VOLUNTEER, PersonKind.CONTRACTOR}
)
#: The ICO must be told of a personal data breach within this long of the school
#: becoming aware of it, where it is a risk to people (UK GDPR Art. 33).
ICO_BREACH_HOURS = 72

# The sources each step names (the school's policy by section, or the national guidance).
POLICY_INCIDENTS = "The school's social media policy (“Social media incidents”)"
POLICY_PRESENCE = "The school's social media policy (“Staff, pupils' and parents' SM presence”)"
POLICY_EXTREMISM = "the school's social media policy (“Extremism”)"
UKCIS = "The UKCIS guidance “Sharing nudes and semi-nudes” (2024)"
POLICE = frozenset({EscalationKind.POLICE_EMERGENCY, EscalationKind.POLICE_NON_EMERGENCY})


class StepAction(StrEnum):
    """What the step's button does."""

    REQUEST_DELETION = "request_deletion"
    SECOND_REQUEST = "second_request"
    ESCALATE = "escalate"
    MARK_SAFEGUARDING = "mark_safeguarding"
    NONE = "none"


@dataclass(frozen=True)
class PosterFact:
    person_id: int
    name: str
    kind: PersonKind


@dataclass(frozen=True)
class RequestFact:
    id: int
    addressee_id: int
    outcome: DeletionOutcome
    sent: bool
    deadline: date | None


@dataclass(frozen=True)
class EscalationFact:
    kind: EscalationKind
    escalated_at: datetime
    status: EscalationStatus


@dataclass(frozen=True)
class LinkFact:
    """An entry of the exceptions register between a pupil and an adult on the incident
    (withdrawn entries are left out)."""

    pupil_id: int
    adult_id: int
    relationship: str
    approved: bool
    approved_on: date | None = None
    platforms: str = ""


@dataclass(frozen=True)
class IncidentFacts:
    """What the guidance looks at."""

    status: IncidentStatus
    categories: frozenset[Category]
    safeguarding_concern: bool
    still_live: bool | None
    posters: list[PosterFact] = field(default_factory=list)
    requests: list[RequestFact] = field(default_factory=list)
    escalations: list[EscalationFact] = field(default_factory=list)
    #: Everyone else on the incident (targets, people pictured, witnesses, reporters).
    others: list[PosterFact] = field(default_factory=list)
    #: The exceptions register's entries between the incident's pupils and adults; None
    #: when the person asking may not see the register.
    links: list[LinkFact] | None = None
    #: When the school became aware (the earlier of "reported" and "seen").
    aware_at: datetime | None = None
    parent_informed: bool | None = None
    parent_informed_by: str = ""


@dataclass(frozen=True)
class Step:
    """One piece of advice and the action that carries it out."""

    advice: str
    why: str
    action: StepAction = StepAction.NONE
    escalation_kind: EscalationKind | None = None
    person_id: int | None = None
    request_id: int | None = None


def ico_deadline(aware_at: datetime) -> datetime:
    """The latest time to tell the ICO of a personal data breach."""
    return aware_at + timedelta(hours=ICO_BREACH_HOURS)


def next_steps(facts: IncidentFacts, *, now: datetime, today: date) -> list[Step]:
    """The steps the policy and guidance suggest now, most important first."""
    if facts.status is IncidentStatus.CLOSED:
        return []
    if facts.categories == {Category.PRAISE}:
        return [
            Step(
                "Nothing to pursue: this is praise.",
                "The school's social media policy (“Wimbledon Chase Primary School's SM "
                "presence”) asks the school to respond to praise fairly; it is not an incident.",
            )
        ]
    categories = facts.categories
    steps: list[Step] = []
    escalated = {e.kind for e in facts.escalations}
    removed_for = {r.addressee_id for r in facts.requests if r.outcome is DeletionOutcome.REMOVED}
    sexual_harm = bool(categories & SEXUAL_HARM_CATEGORIES)
    contact = Category.PUPIL_STAFF_CONTACT in categories
    adult_posters = [p for p in facts.posters if p.kind in ADULT_STAFF]
    staff_contact = contact and bool(adult_posters)
    # A post that may be a crime, extremist or sexual harm to a child is evidence: nobody
    # is asked to delete it before the police (or CEOP, ACT) have advised.
    evidence_first = bool(categories & EVIDENCE_CATEGORIES) or sexual_harm

    steps += _sexual_harm_steps(facts, escalated)
    if Category.SELF_HARM in categories:
        steps += _self_harm_steps(facts, escalated)
    dangerous = categories & {Category.POTENTIALLY_ILLEGAL, Category.AGGRESSIVE}
    if dangerous and not escalated & POLICE:
        steps.append(
            Step(
                "Report it to the police (101; 999 if anyone is in immediate danger).",
                f"{POLICY_INCIDENTS} involves the police where a post is potentially illegal "
                "or dangerous.",
                StepAction.ESCALATE,
                EscalationKind.POLICE_NON_EMERGENCY,
            )
        )
    if Category.EXTREMISM in categories:
        steps += _extremism_steps(facts, escalated)
    if Category.PREJUDICE_BASED in categories:
        steps += _prejudice_steps(facts, escalated)
    if evidence_first:
        steps.append(_evidence_step(categories))
    if contact:
        steps.extend(_contact_steps(facts, escalated))
    steps += _data_breach_steps(facts, escalated, adult_posters)

    if not evidence_first and not contact:
        for poster in facts.posters:
            if poster.person_id not in removed_for:
                steps.extend(_request_steps(facts, poster, today))
            if (
                Category.COMPLAINT_SHARED in categories
                and poster.kind is PersonKind.PARENT
                and EscalationKind.COMPLAINTS_PROCEDURE not in escalated
            ):
                steps.append(
                    Step(
                        f"Point {poster.name} to the school's complaints procedure.",
                        f"{POLICY_PRESENCE} urges parents to raise concerns with the school "
                        "directly, and to follow the complaints procedure if that doesn't "
                        "resolve them.",
                        StepAction.ESCALATE,
                        EscalationKind.COMPLAINTS_PROCEDURE,
                    )
                )
    outsiders = [p for p in facts.posters if p.kind is PersonKind.THIRD_PARTY]
    if not contact and (outsiders or not facts.posters) and facts.still_live is not False:
        steps.extend(
            _platform_steps(
                escalated,
                facts.escalations,
                now,
                identified=bool(facts.posters),
                helpline_now=facts.safeguarding_concern,
                rhc=not categories & NO_RHC_CATEGORIES,
            )
        )

    for poster in facts.posters:
        if poster.kind is PersonKind.PUPIL and EscalationKind.BEHAVIOUR_POLICY not in escalated:
            what = "friend request or contact" if contact else "post"
            steps.append(
                Step(
                    f"Deal with {poster.name}'s {what} under the behaviour policy, if it is a "
                    "disciplinary matter.",
                    f"{POLICY_INCIDENTS}: pupils' breaches of the policy follow the behaviour "
                    "policy.",
                    StepAction.ESCALATE,
                    EscalationKind.BEHAVIOUR_POLICY,
                )
            )
        if (
            poster.kind is PersonKind.STAFF
            and not staff_contact
            and not sexual_harm
            and EscalationKind.STAFF_CODE_OF_CONDUCT not in escalated
        ):
            steps.append(
                Step(
                    f"Refer {poster.name}'s post to the headteacher (staff code of conduct).",
                    f"{POLICY_INCIDENTS}: staff breaches follow the Staff Code of Conduct.",
                    StepAction.ESCALATE,
                    EscalationKind.STAFF_CODE_OF_CONDUCT,
                )
            )
    return _unique(steps)


def _sexual_harm_steps(facts: IncidentFacts, escalated: set[EscalationKind]) -> list[Step]:
    categories = facts.categories
    steps: list[Step] = []
    if categories & {Category.GROOMING, Category.SEXTORTION} and EscalationKind.CEOP not in (
        escalated
    ):
        steps.append(
            Step(
                "Report it to CEOP, the National Crime Agency's child protection command (call "
                "999 if a child is in immediate danger).",
                "KCSIE and the UKCIS guidance “Sharing nudes and semi-nudes” (2024) send "
                "adults' sexual contact with or grooming or blackmail of a child online to "
                "CEOP or the police, and an emergency to 999.",
                StepAction.ESCALATE,
                EscalationKind.CEOP,
            )
        )
    if categories & {Category.NUDE_IMAGE, Category.SEXTORTION}:
        kept = (
            " Footprint refuses image files for this incident."
            if Category.NUDE_IMAGE in categories
            else ""
        )
        steps.append(
            Step(
                "Don't view, copy, print, forward or store the image: record a description "
                "of what was reported instead." + kept,
                f"{UKCIS} says staff must not view, copy, print or store nude or semi-nude "
                "images of under-18s.",
            )
        )
        if EscalationKind.IWF_REPORT_REMOVE not in escalated:
            steps.append(
                Step(
                    "Help the young person use Report Remove (Childline with the IWF) to get "
                    "the image taken down, or report it to the IWF.",
                    f"{UKCIS} points young people to Report Remove; the IWF takes reports of "
                    "child sexual abuse imagery.",
                    StepAction.ESCALATE,
                    EscalationKind.IWF_REPORT_REMOVE,
                )
            )
    if Category.NUDE_IMAGE in categories and not escalated & (
        POLICE | {EscalationKind.CEOP, EscalationKind.EARLY_HELP_MASH}
    ):
        steps.append(
            Step(
                "Decide whether the police and children's social care must be told: they must "
                "if an adult is involved, there is coercion or blackmail, a child under 13 is "
                "pictured, or a child is at risk (999 if in immediate danger).",
                f"{UKCIS} lists when a referral to the police or children's social care is "
                "needed; otherwise the school may handle it itself, recording why.",
                StepAction.ESCALATE,
                EscalationKind.POLICE_NON_EMERGENCY,
            )
        )
    return steps


def _self_harm_steps(facts: IncidentFacts, escalated: set[EscalationKind]) -> list[Step]:
    steps = []
    if not facts.safeguarding_concern:
        steps.append(
            Step(
                "Treat it as a safeguarding concern: make sure the child is safe now (999 if "
                "they are in immediate danger).",
                "KCSIE: a child who may be at risk of harm is a safeguarding concern for the DSL.",
                StepAction.MARK_SAFEGUARDING,
            )
        )
    if not escalated & {EscalationKind.EARLY_HELP_MASH, EscalationKind.CHILDRENS_SOCIAL_CARE}:
        steps.append(
            Step(
                "Consider Early Help, or a referral to children's social care (MASH) if the "
                "child may be at risk.",
                "KCSIE: where a child may be in need or at risk, the DSL refers to the local "
                "authority's front door.",
                StepAction.ESCALATE,
                EscalationKind.EARLY_HELP_MASH,
            )
        )
    return steps


def _extremism_steps(facts: IncidentFacts, escalated: set[EscalationKind]) -> list[Step]:
    steps = []
    if EscalationKind.ACT not in escalated:
        steps.append(
            Step(
                "If it is terrorist material, report it to ACT (Action Counters Terrorism) "
                "online reporting.",
                "The Prevent duty guidance: terrorist content online is reported to ACT, not "
                "referred to Prevent.",
                StepAction.ESCALATE,
                EscalationKind.ACT,
            )
        )
    if not escalated & (POLICE | {EscalationKind.TRUE_VISION}):
        steps.append(
            Step(
                "If it is hate speech, report it to the police (101) or through True Vision, "
                "the police's online hate-crime reporting site.",
                "The Prevent duty guidance: hate speech is a matter for the police, not for "
                f"Prevent; {POLICY_EXTREMISM} names hate speech alongside extremism.",
                StepAction.ESCALATE,
                EscalationKind.TRUE_VISION,
            )
        )
    if EscalationKind.PREVENT not in escalated:
        for poster in facts.posters:
            if poster.kind in SCHOOL_COMMUNITY:
                steps.append(
                    Step(
                        f"Only if {poster.name} seems at risk of being drawn into terrorism or "
                        "extremism, make a Prevent referral (through the local authority).",
                        "The Prevent duty guidance: Prevent is for a person at risk of "
                        "radicalisation, not for the post itself; "
                        f"{POLICY_EXTREMISM} sets out the school's Prevent duty.",
                        StepAction.ESCALATE,
                        EscalationKind.PREVENT,
                        person_id=poster.person_id,
                    )
                )
    return steps


def _prejudice_steps(facts: IncidentFacts, escalated: set[EscalationKind]) -> list[Step]:
    adults_or_unknown = not facts.posters or any(
        p.kind is not PersonKind.PUPIL for p in facts.posters
    )
    if not adults_or_unknown or escalated & (POLICE | {EscalationKind.TRUE_VISION}):
        return []
    return [
        Step(
            "If it may be a hate crime, report it to the police (101) or through True Vision, "
            "the police's online hate-crime reporting site.",
            "KCSIE treats prejudice-based abuse as a safeguarding matter, and hate crime is "
            f"for the police; {POLICY_EXTREMISM} names hate speech alongside extremism.",
            StepAction.ESCALATE,
            EscalationKind.TRUE_VISION,
        )
    ]


def _evidence_step(categories: frozenset[Category]) -> Step:
    if categories & {Category.NUDE_IMAGE, Category.SEXTORTION}:
        return Step(
            "Note the accounts, dates and what was said (never the images), and don't "
            "delete anything or confront anyone until the police or CEOP have advised.",
            f"{UKCIS}: evidence is left to the police, and images are never copied.",
        )
    who = "the police"
    if Category.EXTREMISM in categories:
        who = "the police or ACT"
    if Category.GROOMING in categories:
        who = "CEOP or the police"
    return Step(
        "Capture the evidence first (screenshots with the date, link and account), and "
        f"ask for the post to be deleted only once {who} agree.",
        f"Deleting it now could destroy evidence: {_lc(POLICY_INCIDENTS)} involves the police "
        "where a post is potentially illegal or dangerous.",
    )


def _data_breach_steps(
    facts: IncidentFacts, escalated: set[EscalationKind], adult_posters: list[PosterFact]
) -> list[Step]:
    """A photo of pupils posted by staff or a contractor is the school's own breach."""
    if (
        Category.IMAGE_WITHOUT_CONSENT not in facts.categories
        or not adult_posters
        or EscalationKind.DPO_DATA_BREACH in escalated
    ):
        return []
    names = " and ".join(p.name for p in adult_posters)
    when = (
        f" — by {format_datetime(ico_deadline(facts.aware_at))}"
        if facts.aware_at is not None
        else ""
    )
    return [
        Step(
            f"Tell the data protection officer now: a photo of pupils posted by {names} is "
            "the school's own data breach. Where it is a risk to the pupils, the ICO must be "
            f"told within 72 hours of the school becoming aware{when}.",
            "The ICO's guidance on personal data breaches (UK GDPR) gives 72 hours from "
            f"awareness. {POLICY_PRESENCE} says images posted without clear consent can "
            "breach data protection law.",
            StepAction.ESCALATE,
            EscalationKind.DPO_DATA_BREACH,
        )
    ]


def _contact_steps(facts: IncidentFacts, escalated: set[EscalationKind]) -> list[Step]:
    """Pupil–staff contact (a friend request, a message): not a post to delete."""
    pupils = [p for p in facts.posters if p.kind is PersonKind.PUPIL]
    adult_posters = [p for p in facts.posters if p.kind in ADULT_STAFF]
    everyone = facts.posters + facts.others
    steps: list[Step] = []
    pupils_on = [p for p in everyone if p.kind is PersonKind.PUPIL]
    adults_on = [p for p in everyone if p.kind in ADULT_STAFF]
    steps += _register_steps(facts, pupils_on, adults_on)
    approved = {(link.pupil_id, link.adult_id) for link in facts.links or [] if link.approved}
    if pupils:
        if not facts.safeguarding_concern:
            steps.append(
                Step(
                    "A pupil tried to contact staff on social media: treat it as a possible "
                    "safeguarding concern for the DSL.",
                    f"{POLICY_PRESENCE}: an attempt by a child may be a safeguarding concern "
                    "and is notified to the DSL.",
                    StepAction.MARK_SAFEGUARDING,
                )
            )
        contacted = [a for a in adults_on if a not in adult_posters]
        for adult in contacted:
            if any((p.person_id, adult.person_id) in approved for p in pupils):
                continue
            steps.append(
                Step(
                    f"Advise {adult.name} not to accept the request or reply on social media, "
                    "and to keep contact with pupils to school email.",
                    f"{POLICY_PRESENCE}: pupils may not be friends with staff, and email is "
                    "the official channel between staff and pupils.",
                )
            )
        if not contacted:
            steps.append(
                Step(
                    "Advise the member of staff not to accept the request or reply on social "
                    "media (add them to the incident to check the exceptions register).",
                    f"{POLICY_PRESENCE}: pupils may not be friends with staff, and email is "
                    "the official channel between staff and pupils.",
                )
            )
        if facts.parent_informed is None:
            steps.append(
                Step(
                    "Tell the pupil's parents, and record who told them and when (or why they "
                    "have not been told).",
                    f"{POLICY_PRESENCE} asks parents to support the rules on contact with "
                    "staff; KCSIE asks for decisions and who made them to be recorded.",
                )
            )
        elif facts.parent_informed and not facts.parent_informed_by.strip():
            steps.append(
                Step(
                    "Record who told the parents.",
                    "KCSIE asks for decisions, discussions and who made them to be recorded.",
                )
            )
    if adult_posters:
        if EscalationKind.HEADTEACHER not in escalated:
            steps.append(
                Step(
                    "An adult at the school contacted a pupil: tell the headteacher (the chair of "
                    "governors if it concerns the headteacher) without alerting the adult.",
                    f"{POLICY_PRESENCE}: an attempt by a staff member is notified to the "
                    "headteacher; KCSIE Part 4 makes the headteacher the case manager.",
                    StepAction.ESCALATE,
                    EscalationKind.HEADTEACHER,
                )
            )
        steps += _harm_test_steps(escalated)
    return steps


def _harm_test_steps(escalated: set[EscalationKind]) -> list[Step]:
    if escalated & {EscalationKind.LADO, EscalationKind.LOW_LEVEL_CONCERN}:
        return []
    return [
        Step(
            "If the harm test is met (the adult may have harmed a child, committed an offence "
            "against or related to a child, behaved in a way that suggests a risk to "
            "children, or shown they may be unsuitable to work with children), consult the "
            "LADO before anything is said to the adult.",
            "KCSIE Part 4: the LADO is involved only where the harm test is met.",
            StepAction.ESCALATE,
            EscalationKind.LADO,
        ),
        Step(
            "If it doesn't meet the harm test, record it as a low-level concern.",
            "KCSIE Part 4: concerns below the harm test are low-level concerns, kept in their "
            "own record.",
            StepAction.ESCALATE,
            EscalationKind.LOW_LEVEL_CONCERN,
        ),
    ]


def _register_steps(
    facts: IncidentFacts, pupils: list[PosterFact], adults: list[PosterFact]
) -> list[Step]:
    """What the exceptions register says about the pupils and adults on the incident."""
    why = (
        f"{POLICY_PRESENCE}: exceptions (such as family links) must be approved by the headteacher."
    )
    if facts.links is None:
        return [Step("Ask the DSL to check the exceptions register for an approved link.", why)]
    if not pupils or not adults:
        return []
    links = {(link.pupil_id, link.adult_id): link for link in facts.links}
    steps = []
    for pupil in pupils:
        for adult in adults:
            link = links.get((pupil.person_id, adult.person_id))
            if link is None:
                advice = (
                    f"The exceptions register has no link between {pupil.name} and {adult.name}."
                )
            elif link.approved:
                since = f", approved {format_date(link.approved_on)}" if link.approved_on else ""
                on = f" on {link.platforms}" if link.platforms else ""
                advice = (
                    f"Approved link: {pupil.name} and {adult.name} ({link.relationship}{on}"
                    f"{since}). Check the contact stays within it."
                )
            else:
                advice = (
                    f"{pupil.name} and {adult.name} have a link declared "
                    f"({link.relationship}) but not yet approved by the headteacher."
                )
            steps.append(Step(advice, why))
    return steps


def _request_steps(facts: IncidentFacts, poster: PosterFact, today: date) -> list[Step]:
    if poster.kind not in SCHOOL_COMMUNITY or facts.still_live is False:
        return []
    theirs = [r for r in facts.requests if r.addressee_id == poster.person_id]
    if not theirs:
        return [
            Step(
                f"Ask {poster.name} to delete the post.",
                f"{POLICY_INCIDENTS}: the school asks members of its community to delete "
                "offending posts.",
                StepAction.REQUEST_DELETION,
                person_id=poster.person_id,
            )
        ]
    latest = theirs[-1]
    overdue = (
        latest.outcome is DeletionOutcome.PENDING
        and latest.sent
        and latest.deadline is not None
        and latest.deadline < today
    )
    if overdue or latest.outcome in (
        DeletionOutcome.NO_REPLY,
        DeletionOutcome.REFUSED,
        DeletionOutcome.PARTLY_REMOVED,
    ):
        when = (
            f"the deadline ({format_date(latest.deadline)}) has passed"
            if overdue
            else (f"the request was {latest.outcome.label.lower()}")
        )
        why = (
            f"The post is still up and {when}. {POLICY_INCIDENTS} expects deletion to be "
            "actioned promptly, and lets the school report a post to the platform."
        )
        return [
            Step(
                f"Send {poster.name} a second request.",
                why,
                StepAction.SECOND_REQUEST,
                person_id=poster.person_id,
                request_id=latest.id,
            ),
            Step(
                "Or report the post to the platform.",
                why,
                StepAction.ESCALATE,
                EscalationKind.PLATFORM_REPORT,
            ),
        ]
    return []


def _platform_steps(
    escalated: set[EscalationKind],
    escalations: list[EscalationFact],
    now: datetime,
    *,
    identified: bool,
    helpline_now: bool,
    rhc: bool,
) -> list[Step]:
    helpline = Step(
        "Ask the Professionals Online Safety Helpline (POSH) for help to get it removed.",
        f"{POLICY_INCIDENTS} names the helpline, run by SWGfL for the UK Safer Internet "
        "Centre, which professionals may contact straight away, before or after a platform "
        "report.",
        StepAction.ESCALATE,
        EscalationKind.POSH,
    )
    if EscalationKind.PLATFORM_REPORT not in escalated:
        who = (
            "The poster is outside the school community"
            if identified
            else "The poster isn't identified"
        )
        steps = [
            Step(
                "Report the post to the platform.",
                f"{who}: {_lc(POLICY_INCIDENTS)} lets the school "
                "report a third party's post to the platform where it is hosted.",
                StepAction.ESCALATE,
                EscalationKind.PLATFORM_REPORT,
            )
        ]
        if helpline_now and EscalationKind.POSH not in escalated:
            steps.append(helpline)
        return steps
    steps = []
    if EscalationKind.POSH not in escalated:
        steps.append(helpline)
    if rhc and EscalationKind.REPORT_HARMFUL_CONTENT not in escalated:
        reported = min(
            e.escalated_at for e in escalations if e.kind is EscalationKind.PLATFORM_REPORT
        )
        ready = reported + timedelta(hours=RHC_WAIT_HOURS)
        if now >= ready:
            steps.append(
                Step(
                    "Report it to Report Harmful Content.",
                    "SWGfL's Report Harmful Content takes a report once the platform has had "
                    "48 hours, and they have passed.",
                    StepAction.ESCALATE,
                    EscalationKind.REPORT_HARMFUL_CONTENT,
                )
            )
        else:
            steps.append(
                Step(
                    f"If the platform hasn't acted, Report Harmful Content can take it from "
                    f"{format_datetime(ready)}.",
                    "SWGfL's Report Harmful Content takes a report only 48 hours after the "
                    "platform report.",
                )
            )
    return steps


def _lc(text: str) -> str:
    """A source named mid-sentence."""
    return text[0].lower() + text[1:]


def _unique(steps: list[Step]) -> list[Step]:
    seen: set[tuple[str, str | None, int | None]] = set()
    result = []
    for step in steps:
        key = (step.action.value, step.escalation_kind, step.person_id)
        if step.action is StepAction.NONE or key not in seen:
            seen.add(key)
            result.append(step)
    return result
