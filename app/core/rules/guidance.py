"""Next-step guidance from the facts of an incident, following the school's policy.

Advice only: each step names a one-click action the DSL may take; nothing happens
by itself.
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
#: Adults at the school whose contact with a pupil may be an allegation.
ADULT_STAFF = frozenset(
    {PersonKind.STAFF, PersonKind.GOVERNOR, PersonKind.VOLUNTEER, PersonKind.CONTRACTOR}
)


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
class IncidentFacts:
    """What the guidance looks at."""

    status: IncidentStatus
    categories: frozenset[Category]
    safeguarding_concern: bool
    still_live: bool | None
    posters: list[PosterFact] = field(default_factory=list)
    requests: list[RequestFact] = field(default_factory=list)
    escalations: list[EscalationFact] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One piece of advice and the action that carries it out."""

    advice: str
    why: str
    action: StepAction = StepAction.NONE
    escalation_kind: EscalationKind | None = None
    person_id: int | None = None
    request_id: int | None = None


def next_steps(facts: IncidentFacts, *, now: datetime, today: date) -> list[Step]:
    """The steps the policy suggests now, most important first."""
    if facts.status is IncidentStatus.CLOSED:
        return []
    if facts.categories == {Category.PRAISE}:
        return [Step("Nothing to pursue: this is praise.", "The post is a positive mention.")]
    steps: list[Step] = []
    escalated = {e.kind for e in facts.escalations}
    removed_for = {r.addressee_id for r in facts.requests if r.outcome is DeletionOutcome.REMOVED}
    # A post that may be a crime or extremist is evidence: capture it and take the
    # police's or Prevent's advice before anyone is asked to delete it.
    evidence_first = bool(facts.categories & EVIDENCE_CATEGORIES)
    staff_contact = Category.PUPIL_STAFF_CONTACT in facts.categories and any(
        p.kind in ADULT_STAFF for p in facts.posters
    )

    dangerous = facts.categories & {Category.POTENTIALLY_ILLEGAL, Category.AGGRESSIVE}
    police = {EscalationKind.POLICE_EMERGENCY, EscalationKind.POLICE_NON_EMERGENCY}
    if dangerous and not escalated & police:
        steps.append(
            Step(
                "Report it to the police (101; 999 if anyone is in immediate danger).",
                "The post may be illegal or threatening.",
                StepAction.ESCALATE,
                EscalationKind.POLICE_NON_EMERGENCY,
            )
        )
    if Category.EXTREMISM in facts.categories and EscalationKind.PREVENT not in escalated:
        steps.append(
            Step(
                "Consider a Prevent referral.",
                "Extremism and hate speech fall under the Prevent duty.",
                StepAction.ESCALATE,
                EscalationKind.PREVENT,
            )
        )
    if evidence_first:
        steps.append(
            Step(
                "Capture the evidence first (screenshots with the date, link and account), and "
                "ask for the post to be deleted only once the police or Prevent agree.",
                "Deleting it now could destroy evidence.",
            )
        )
    if Category.PUPIL_STAFF_CONTACT in facts.categories:
        steps.extend(_contact_steps(facts, escalated))

    if not evidence_first and not staff_contact:
        for poster in facts.posters:
            if poster.person_id not in removed_for:
                steps.extend(_request_steps(facts, poster, today))
            if (
                Category.COMPLAINT_SHARED in facts.categories
                and poster.kind is PersonKind.PARENT
                and EscalationKind.COMPLAINTS_PROCEDURE not in escalated
            ):
                steps.append(
                    Step(
                        f"Point {poster.name} to the school's complaints procedure.",
                        "Concerns are best raised with the school; the complaints procedure is "
                        "there if that doesn't resolve them.",
                        StepAction.ESCALATE,
                        EscalationKind.COMPLAINTS_PROCEDURE,
                    )
                )
    outsiders = [p for p in facts.posters if p.kind is PersonKind.THIRD_PARTY]
    if (outsiders or not facts.posters) and facts.still_live is not False:
        steps.extend(
            _platform_steps(escalated, facts.escalations, now, identified=bool(facts.posters))
        )

    for poster in facts.posters:
        if poster.kind is PersonKind.PUPIL and EscalationKind.BEHAVIOUR_POLICY not in escalated:
            steps.append(
                Step(
                    f"Deal with {poster.name}'s post under the behaviour policy.",
                    "Pupils' breaches of the policy follow the behaviour policy.",
                    StepAction.ESCALATE,
                    EscalationKind.BEHAVIOUR_POLICY,
                )
            )
        if (
            poster.kind is PersonKind.STAFF
            and not staff_contact
            and EscalationKind.STAFF_CODE_OF_CONDUCT not in escalated
        ):
            steps.append(
                Step(
                    f"Refer {poster.name}'s post to the headteacher (staff code of conduct).",
                    "Staff breaches follow the staff code of conduct.",
                    StepAction.ESCALATE,
                    EscalationKind.STAFF_CODE_OF_CONDUCT,
                )
            )
    return _unique(steps)


def _contact_steps(facts: IncidentFacts, escalated: set[EscalationKind]) -> list[Step]:
    pupils = [p for p in facts.posters if p.kind is PersonKind.PUPIL]
    adults = [p for p in facts.posters if p.kind in ADULT_STAFF]
    steps = []
    if pupils and not facts.safeguarding_concern:
        steps.append(
            Step(
                "A pupil tried to contact staff on social media: treat it as a possible "
                "safeguarding concern for the DSL, and check the exceptions register.",
                "A pupil's friend request to staff goes to the DSL.",
                StepAction.MARK_SAFEGUARDING,
            )
        )
    if adults:
        if EscalationKind.HEADTEACHER not in escalated:
            steps.append(
                Step(
                    "An adult at the school contacted a pupil: tell the headteacher (the chair of "
                    "governors if it concerns the headteacher) without alerting the adult, and "
                    "check the exceptions register.",
                    "Contact by staff goes to the headteacher; it may be an allegation.",
                    StepAction.ESCALATE,
                    EscalationKind.HEADTEACHER,
                )
            )
        if EscalationKind.LADO not in escalated:
            steps.append(
                Step(
                    "Ask the LADO for advice before anything is said to the adult.",
                    "Concerns about adults working with children go to the LADO.",
                    StepAction.ESCALATE,
                    EscalationKind.LADO,
                )
            )
    return steps


def _request_steps(facts: IncidentFacts, poster: PosterFact, today: date) -> list[Step]:
    if poster.kind not in SCHOOL_COMMUNITY or facts.still_live is False:
        return []
    theirs = [r for r in facts.requests if r.addressee_id == poster.person_id]
    if not theirs:
        return [
            Step(
                f"Ask {poster.name} to delete the post.",
                "The school asks members of its community to delete offending posts.",
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
        return [
            Step(
                f"Send {poster.name} a second request.",
                f"The post is still up and {when}.",
                StepAction.SECOND_REQUEST,
                person_id=poster.person_id,
                request_id=latest.id,
            ),
            Step(
                "Or report the post to the platform.",
                f"The post is still up and {when}.",
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
) -> list[Step]:
    if EscalationKind.PLATFORM_REPORT not in escalated:
        why = (
            "The poster is outside the school community."
            if identified
            else "The poster isn't identified."
        )
        return [
            Step(
                "Report the post to the platform.",
                why,
                StepAction.ESCALATE,
                EscalationKind.PLATFORM_REPORT,
            )
        ]
    steps = []
    if EscalationKind.POSH not in escalated:
        steps.append(
            Step(
                "Ask the Professionals Online Safety Helpline (POSH) to help get it removed.",
                "The platform has been told; the helpline can speed things up.",
                StepAction.ESCALATE,
                EscalationKind.POSH,
            )
        )
    if EscalationKind.REPORT_HARMFUL_CONTENT not in escalated:
        reported = min(
            e.escalated_at for e in escalations if e.kind is EscalationKind.PLATFORM_REPORT
        )
        ready = reported + timedelta(hours=RHC_WAIT_HOURS)
        if now >= ready:
            steps.append(
                Step(
                    "Report it to Report Harmful Content.",
                    "48 hours have passed since the platform report.",
                    StepAction.ESCALATE,
                    EscalationKind.REPORT_HARMFUL_CONTENT,
                )
            )
        else:
            steps.append(
                Step(
                    f"If the platform hasn't acted, Report Harmful Content can take it from "
                    f"{format_datetime(ready)}.",
                    "Report Harmful Content needs 48 hours after the platform report.",
                )
            )
    return steps


def _unique(steps: list[Step]) -> list[Step]:
    seen: set[tuple[str, str | None, int | None]] = set()
    result = []
    for step in steps:
        key = (step.action.value, step.escalation_kind, step.person_id)
        if step.action is StepAction.NONE or key not in seen:
            seen.add(key)
            result.append(step)
    return result
