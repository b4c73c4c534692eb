"""Working a demo incident: notes, deletion requests, escalations and status changes.

Deletion requests and escalations have no services yet, so their rows are written here
directly, each with the timeline entry the services will write once they exist.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.core.clock import LONDON
from app.core.demo.replay import Timeline, clock_at
from app.core.models import DeletionRequest, Escalation, Incident, Person, User
from app.core.rules.school_days import SchoolCalendar
from app.core.services.chronology import add_note, record
from app.core.services.closing import CloseDecisions
from app.core.services.incidents import details_of, update_incident
from app.core.timefmt import format_date
from app.core.vocab import (
    ChronologyKind,
    DeletionMethod,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    PersonKind,
)

K = EscalationKind
_CONTACTS: dict[EscalationKind, str] = {
    K.PLATFORM_REPORT: "The platform's reporting form",
    K.REPORT_HARMFUL_CONTENT: "Report Harmful Content website",
    K.POSH: "Professionals Online Safety Helpline, by email",
    K.POLICE_EMERGENCY: "Police, 999",
    K.POLICE_NON_EMERGENCY: "Police, 101",
    K.PREVENT: "Local authority Prevent lead",
    K.LADO: "Local authority designated officer",
    K.CHILDRENS_SOCIAL_CARE: "Children's services front door (MASH)",
    K.BEHAVIOUR_POLICY: "Class teacher and DSL",
    K.STAFF_CODE_OF_CONDUCT: "Headteacher",
    K.COMPLAINTS_PROCEDURE: "Complaints procedure, stage 1",
    K.HEADTEACHER: "Headteacher",
    K.CHAIR_OF_GOVERNORS: "Chair of governors",
    K.CEOP: "CEOP online reporting",
    K.IWF_REPORT_REMOVE: "Report Remove (Childline and the IWF)",
    K.ACT: "ACT online reporting",
    K.TRUE_VISION: "True Vision online reporting",
    K.EARLY_HELP_MASH: "Children's services front door (MASH)",
    K.LOW_LEVEL_CONCERN: "Headteacher (low-level concerns record)",
    K.DPO_DATA_BREACH: "Data protection officer",
}
#: Escalations to outside bodies, which can take the case over.
AGENCIES = frozenset(
    {K.POLICE_EMERGENCY, K.POLICE_NON_EMERGENCY, K.PREVENT, K.LADO, K.CHILDRENS_SOCIAL_CARE}
    | {K.CEOP, K.IWF_REPORT_REMOVE, K.ACT, K.TRUE_VISION, K.EARLY_HELP_MASH}
)
_REPLIES: dict[DeletionOutcome, tuple[str, ...]] = {
    DeletionOutcome.REMOVED: (
        "Replied by email to confirm the post has been deleted.",
        "Confirmed in person that the post has been taken down.",
        "Phoned the office to say the post is deleted and apologised.",
    ),
    DeletionOutcome.PARTLY_REMOVED: (
        "Deleted the post but says they cannot remove other people's replies.",
    ),
    DeletionOutcome.REFUSED: (
        "Replied that they will not remove the post, as it is their opinion.",
        "Declined to remove the post and asked for a meeting instead.",
    ),
    DeletionOutcome.WITHDRAWN: (
        "Request withdrawn after a meeting with the headteacher resolved the concern.",
    ),
}
_FINAL_ESCALATION: dict[EscalationStatus, tuple[str, ...]] = {
    EscalationStatus.ACTIONED: (
        "Post taken down following the report.",
        "Advice received and followed; case now held by them.",
        "Action taken under the school's procedure; parents informed.",
    ),
    EscalationStatus.CLOSED_NFA: (
        "Decided the content does not breach its rules; no further action.",
        "No further action on their part; advice given to the school.",
    ),
    EscalationStatus.ACKNOWLEDGED: ("Acknowledged; awaiting their decision.",),
}


class Caseworker:
    """Replays the DSL's work on one incident, step by step, at the time each happened."""

    def __init__(
        self,
        session: Session,
        actor: User,
        rng: random.Random,
        terms: SchoolCalendar,
        deadline_days: int,
    ) -> None:
        self.session = session
        self.actor = actor
        self.rng = rng
        self.terms = terms
        self.deadline_days = deadline_days

    def note(self, incident: Incident, when: datetime, text: str) -> None:
        """A note typed now about something that happened at `when`."""
        with clock_at(when):
            add_note(self.session, self.actor, incident.id, text, occurred_at=when)

    def move(
        self,
        incident: Incident,
        when: datetime,
        *,
        decisions: CloseDecisions | None = None,
        **changes: Any,
    ) -> None:
        """Save the incident form with some fields changed (status, outcome …)."""
        with clock_at(when):
            update_incident(
                self.session,
                self.actor,
                incident.id,
                replace(details_of(incident), **changes),
                expected_version=incident.version,
                decisions=decisions,
            )

    def request_deletion(
        self,
        incident: Incident,
        timeline: Timeline,
        addressee_id: int,
        *,
        follow_up_of: DeletionRequest | None = None,
    ) -> DeletionRequest:
        """Send a request to delete the post, with its deadline in school days."""
        addressee = self.session.get(Person, addressee_id)
        assert addressee is not None
        method = self._method(addressee)
        sent = timeline.after(1, 30)
        deadline = self.terms.add_school_days(sent.astimezone(LONDON).date(), self.deadline_days)
        with clock_at(sent):
            request = DeletionRequest(
                incident_id=incident.id,
                addressee_id=addressee_id,
                method=method,
                sent_at=sent,
                deadline=deadline,
                follow_up_of_id=follow_up_of.id if follow_up_of is not None else None,
                notes="Second request after no reply." if follow_up_of is not None else "",
                created_by_id=self.actor.id,
            )
            self.session.add(request)
            self.session.flush()
            what = "Follow-up deletion request" if follow_up_of is not None else "Deletion request"
            record(
                self.session,
                self.actor,
                incident,
                ChronologyKind.DELETION_REQUEST,
                f"{what} sent to {addressee.full_name} ({method.label.lower()}); "
                f"reply due by {format_date(deadline)}.",
                occurred_at=sent,
            )
        return request

    def reply(
        self,
        incident: Incident,
        timeline: Timeline,
        request: DeletionRequest,
        outcome: DeletionOutcome,
    ) -> None:
        """The answer to a request (or its deadline passing with none)."""
        when = timeline.after(2, 60)
        if outcome is DeletionOutcome.NO_REPLY and request.deadline is not None:
            # "No reply" is only known once the deadline has passed.
            morning = datetime.combine(request.deadline, time(9, 0), tzinfo=LONDON)
            when = timeline.at_least(morning + timedelta(days=1))
        with clock_at(when):
            request.outcome = outcome
            request.updated_by_id = self.actor.id
            if outcome is DeletionOutcome.NO_REPLY:
                text = "No reply to the deletion request by the deadline."
            else:
                request.reply_received_at = when
                request.reply_summary = self.rng.choice(_REPLIES[outcome])
                text = (
                    f"Reply to deletion request: {outcome.label.lower()}. {request.reply_summary}"
                )
            self.session.flush()
            record(
                self.session,
                self.actor,
                incident,
                ChronologyKind.DELETION_REQUEST,
                text,
                occurred_at=when,
            )
        if outcome in (DeletionOutcome.REMOVED, DeletionOutcome.PARTLY_REMOVED):
            checked = timeline.after(0.5, 20)
            with clock_at(checked):
                request.removal_verified_at = checked
                self.session.flush()
                record(
                    self.session,
                    self.actor,
                    incident,
                    ChronologyKind.DELETION_REQUEST,
                    "Checked the platform: the post is no longer visible.",
                    occurred_at=checked,
                )

    def escalate(self, incident: Incident, timeline: Timeline, kind: EscalationKind) -> Escalation:
        """Escalate, with the reference number the other body gave."""
        when = timeline.after(1, 48)
        follow_up = self.terms.add_school_days(
            when.astimezone(LONDON).date(), self.rng.randint(3, 10)
        )
        reference = self._reference(kind, when)
        with clock_at(when):
            escalation = Escalation(
                incident_id=incident.id,
                kind=kind,
                escalated_at=when,
                reference_number=reference,
                contact=_CONTACTS[kind],
                status=EscalationStatus.OPEN,
                next_follow_up_on=follow_up,
                created_by_id=self.actor.id,
            )
            self.session.add(escalation)
            self.session.flush()
            suffix = f" Reference {reference}." if reference else ""
            record(
                self.session,
                self.actor,
                incident,
                ChronologyKind.ESCALATION,
                f"Escalated: {kind.label}.{suffix} Follow up by {format_date(follow_up)}.",
                occurred_at=when,
            )
        return escalation

    def settle(
        self,
        incident: Incident,
        timeline: Timeline,
        escalation: Escalation,
        status: EscalationStatus,
    ) -> None:
        """The other body's answer to an escalation."""
        when = timeline.after(4, 120)
        outcome = self.rng.choice(_FINAL_ESCALATION[status])
        with clock_at(when):
            escalation.status = status
            escalation.outcome = outcome
            escalation.updated_by_id = self.actor.id
            if status is not EscalationStatus.ACKNOWLEDGED:
                escalation.next_follow_up_on = None
            self.session.flush()
            record(
                self.session,
                self.actor,
                incident,
                ChronologyKind.ESCALATION,
                f"{escalation.kind.label}: {status.label.lower()}. {outcome}",
                occurred_at=when,
            )

    def _method(self, addressee: Person) -> DeletionMethod:
        kind = addressee.kind
        if kind is PersonKind.PARENT:
            return self.rng.choices(
                (
                    DeletionMethod.LETTER,
                    DeletionMethod.EMAIL,
                    DeletionMethod.PHONE,
                    DeletionMethod.IN_PERSON,
                ),
                weights=(4, 3, 2, 2),
            )[0]
        if kind is PersonKind.THIRD_PARTY:
            return self.rng.choice((DeletionMethod.EMAIL, DeletionMethod.PLATFORM_MESSAGE))
        if kind is PersonKind.CONTRACTOR:
            return DeletionMethod.EMAIL
        return DeletionMethod.IN_PERSON

    def _reference(self, kind: EscalationKind, when: datetime) -> str:
        rng = self.rng
        yy, stamp = when.strftime("%y"), when.strftime("%Y%m%d")
        formats = {
            K.PLATFORM_REPORT: f"Report {rng.randint(10**9, 10**10 - 1)}",
            K.REPORT_HARMFUL_CONTENT: f"RHC-{stamp}-{rng.randint(100, 999)}",
            K.POSH: f"POSH-{when.year}-{rng.randint(1000, 9999)}",
            K.POLICE_EMERGENCY: f"CAD {rng.randint(1000, 9999)}/{when.strftime('%d%b').upper()}",
            K.POLICE_NON_EMERGENCY: f"CRN {rng.randint(10, 99)}/{rng.randint(1, 999_999):06d}/{yy}",
            K.PREVENT: f"PRV-{yy}-{rng.randint(100, 999)}",
            K.LADO: f"LADO/{yy}/{rng.randint(10, 299):03d}",
            K.CHILDRENS_SOCIAL_CARE: f"MASH {when.year}-{rng.randint(1000, 9999)}",
            K.COMPLAINTS_PROCEDURE: f"C-{when.year}-{rng.randint(1, 40):02d}",
            K.BEHAVIOUR_POLICY: f"Behaviour log {rng.randint(1000, 9999)}",
            K.STAFF_CODE_OF_CONDUCT: f"HR/{yy}/{rng.randint(1, 30):02d}",
        }
        return formats.get(kind, "")
