"""A year of demo incidents: planned by status, recorded and worked through the services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.core.clock import LONDON
from app.core.demo.casework import AGENCIES, Caseworker
from app.core.demo.cast import Cast, Casting
from app.core.demo.community import Community
from app.core.demo.replay import Timeline, clock_at
from app.core.demo.scenarios import (
    EVENTS_BY_MONTH,
    FOLLOW_UP_NOTES,
    MONITORING_NOTES,
    RATIONALES,
    SCENARIOS,
    TRIAGE_NOTES,
    Scenario,
)
from app.core.models import Incident, User
from app.core.rules.school_days import SchoolCalendar, academic_year_of
from app.core.services.closing import CloseDecisions
from app.core.services.evidence import add_evidence_description
from app.core.services.incidents import IncidentDetails, create_incident
from app.core.services.involvements import add_involvement
from app.core.vocab import (
    Audience,
    Category,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    IncidentOutcome,
    IncidentStatus,
    InvolvementRole,
    Severity,
)

St, Out, D, ES = IncidentStatus, IncidentOutcome, DeletionOutcome, EscalationStatus

#: How many incidents end up in each status: most of a year's work is closed.
STATUS_PLAN: dict[IncidentStatus, int] = {
    St.NEW: 10,
    St.IN_PROGRESS: 16,
    St.AWAITING_REMOVAL: 14,
    St.ESCALATED: 12,
    St.MONITORING: 18,
    St.CLOSED: 130,
}
# How long ago (days) an incident in each status was seen: new ones are recent.
_AGE_DAYS: dict[IncidentStatus, tuple[float, float]] = {
    St.NEW: (0.05, 4),
    St.IN_PROGRESS: (1, 20),
    St.AWAITING_REMOVAL: (0.5, 35),
    St.ESCALATED: (5, 120),
    St.MONITORING: (10, 150),
    St.CLOSED: (7, 362),
}
_PLATFORM_KINDS = (
    EscalationKind.PLATFORM_REPORT,
    EscalationKind.POSH,
    EscalationKind.REPORT_HARMFUL_CONTENT,
)


@dataclass(frozen=True)
class _Plan:
    seen_at: datetime
    status: IncidentStatus
    scenario: Scenario


class IncidentBuilder:
    """Plans ~200 incidents over the past year and replays each one's casework."""

    def __init__(
        self,
        session: Session,
        actor: User,
        rng: random.Random,
        community: Community,
        terms: SchoolCalendar,
        deadline_days: int,
        now: datetime,
    ) -> None:
        self.session = session
        self.actor = actor
        self.rng = rng
        self.terms = terms
        self.now = now
        self.academic_year = academic_year_of(now.astimezone(LONDON).date())
        self.casting = Casting(rng, community)
        self.work = Caseworker(session, actor, rng, terms, deadline_days)

    def build(self) -> int:
        """Create every planned incident, oldest first so references run in date order."""
        plans = sorted(self._plan(), key=lambda p: p.seen_at)
        for plan in plans:
            self._incident(plan)
        return len(plans)

    def _plan(self) -> list[_Plan]:
        rng = self.rng
        statuses = [status for status, n in STATUS_PLAN.items() for _ in range(n)]
        rng.shuffle(statuses)
        unused = {s.key for s in SCENARIOS}
        plans = []
        for status in statuses:
            fits = [s for s in SCENARIOS if _fits(s, status)]
            # Every kind of incident appears at least once; after that, by how common it is.
            fresh = [s for s in fits if s.key in unused]
            if fresh:
                scenario = rng.choice(fresh)
            else:
                scenario = rng.choices(fits, weights=[s.weight for s in fits])[0]
            unused.discard(scenario.key)
            plans.append(_Plan(self._seen_at(status), status, scenario))
        return plans

    def _seen_at(self, status: IncidentStatus) -> datetime:
        rng = self.rng
        low, high = _AGE_DAYS[status]
        if status is St.AWAITING_REMOVAL:
            # Half are waiting within the deadline, half are overdue.
            low, high = (0.5, 3.5) if rng.random() < 0.5 else (6, high)
        for _ in range(6):
            day = (self.now - timedelta(days=rng.uniform(low, high))).astimezone(LONDON).date()
            # Fewer posts reach the school in the holidays.
            if self.terms.is_school_day(day) or rng.random() < 0.35:
                break
        hour = rng.choices((7, 8, 12, 15, 16, 17, 19, 20, 21), weights=(2, 3, 2, 3, 3, 2, 3, 3, 2))
        local = datetime.combine(day, time(hour[0], rng.randint(0, 59)), tzinfo=LONDON)
        seen = local.astimezone(self.now.tzinfo)
        if seen > self.now - timedelta(minutes=40):
            seen = self.now - timedelta(minutes=rng.randint(40, 240))
        return seen.replace(second=0, microsecond=0)

    def _incident(self, plan: _Plan) -> None:
        rng, sc = self.rng, plan.scenario
        seen = plan.seen_at
        years_ago = self.academic_year - academic_year_of(seen.astimezone(LONDON).date())
        cast = self.casting.cast(sc, max(years_ago, 0))
        timeline = Timeline(rng, seen, self.now - timedelta(minutes=1))
        recorded = timeline.after(0.2, 8)
        categories = set(sc.categories)
        if sc.extra_categories and rng.random() < 0.4:
            categories.add(rng.choice(sc.extra_categories))
        severity = rng.choice(sc.severities)
        happened = None if rng.random() < 0.15 else seen - timedelta(hours=rng.uniform(0.1, 36))
        reported = None
        if cast.reporter is not None:
            reported = min(seen + timedelta(hours=rng.uniform(0, 3)), recorded)
        details = IncidentDetails(
            seen_at=seen,
            happened_at=happened.replace(second=0, microsecond=0) if happened else None,
            reported_at=reported,
            reported_by_id=cast.reporter,
            platform=cast.where.platform,
            platform_other=cast.where.other,
            audience=cast.where.audience,
            url=cast.url,
            account_handle=cast.handle,
            still_live=None if cast.where.audience is Audience.DIRECT_MESSAGE else True,
            summary=self._text(rng.choice(sc.summaries), cast, seen),
            severity=severity,
            categories=frozenset(categories),
            safeguarding_concern=rng.random() < sc.safeguarding or severity is Severity.CRITICAL,
            prejudice_type=(
                rng.choice(sc.prejudice) if Category.PREJUDICE_BASED in categories else None
            ),
        )
        with clock_at(recorded):
            incident = create_incident(self.session, self.actor, details)
            self._involve(incident, cast)
            self._evidence(incident, sc, recorded)
        self.work.note(incident, timeline.after(0.3, 6), rng.choice(TRIAGE_NOTES))
        if plan.status is not St.NEW:
            self._work(incident, plan, cast, timeline)

    def _involve(self, incident: Incident, cast: Cast) -> None:
        roles: list[tuple[int | None, InvolvementRole]] = [(cast.poster, InvolvementRole.POSTER)]
        roles += [(t, InvolvementRole.TARGET) for t in cast.targets]
        roles += [(s, InvolvementRole.SUBJECT_OF_IMAGE) for s in cast.subjects]
        roles += [
            (cast.reporter, InvolvementRole.REPORTER),
            (cast.witness, InvolvementRole.WITNESS),
        ]
        for person_id, role in roles:
            if person_id is not None:
                add_involvement(self.session, self.actor, incident.id, person_id, role)

    def _evidence(self, incident: Incident, scenario: Scenario, when: datetime) -> None:
        text = {
            "shared_image": "Image not viewed, copied or kept by staff. Described from the "
            "pupil's account: a photograph of a pupil, shared in a group chat.",
            "stranger_contact": "Parent showed the messages on the child's tablet. Described "
            "here; the parent keeps the device for the police.",
        }.get(scenario.key)
        if text is not None:
            add_evidence_description(self.session, self.actor, incident.id, text, captured_at=when)

    def _work(self, incident: Incident, plan: _Plan, cast: Cast, timeline: Timeline) -> None:
        rng, sc, work = self.rng, plan.scenario, self.work
        informed: dict[str, Any] = {}
        if cast.pupils_involved:
            if incident.safeguarding_concern and rng.random() < 0.15:
                informed = {
                    "parent_informed": False,
                    "parent_not_informed_reason": "Advice from children's social care is to "
                    "wait before telling the parent.",
                }
            else:
                informed = {"parent_informed": True}
        started = timeline.after(1, 24)
        if informed.get("parent_informed") is True:
            informed["parent_informed_at"] = started
        work.move(incident, started, status=St.IN_PROGRESS, **informed)
        notes = iter(_scenario_notes(sc, rng))
        first = next(notes, None)
        if first is not None:
            work.note(incident, timeline.after(1, 30), self._text(first, cast, plan.seen_at))
        if plan.status is St.IN_PROGRESS:
            if rng.random() < 0.5:
                work.note(incident, timeline.after(2, 48), rng.choice(FOLLOW_UP_NOTES))
            return
        if plan.status is St.AWAITING_REMOVAL:
            self._awaiting(incident, cast, timeline)
        elif plan.status is St.ESCALATED:
            self._escalated(incident, sc, cast, timeline)
        elif plan.status is St.MONITORING:
            still_live = self._resolve(incident, sc, cast, timeline, Out.POST_REMOVED)
            work.move(incident, timeline.after(1, 48), status=St.MONITORING, still_live=still_live)
            work.note(incident, timeline.after(24, 200), rng.choice(MONITORING_NOTES))
        else:
            outcome = rng.choice(sc.outcomes)
            still_live = self._resolve(incident, sc, cast, timeline, outcome)
            if rng.random() < 0.35:
                work.move(incident, timeline.after(1, 48), status=St.MONITORING)
                work.note(incident, timeline.after(24, 300), rng.choice(MONITORING_NOTES))
            elif (second := next(notes, None)) is not None:
                work.note(incident, timeline.after(2, 72), self._text(second, cast, plan.seen_at))
            work.move(
                incident,
                timeline.after(1, 96),
                decisions=CLOSING_DECISIONS,
                status=St.CLOSED,
                outcome=outcome,
                outcome_rationale=RATIONALES[outcome],
                still_live=still_live,
            )

    def _awaiting(self, incident: Incident, cast: Cast, timeline: Timeline) -> None:
        assert cast.addressee is not None
        request = self.work.request_deletion(incident, timeline, cast.addressee)
        self.work.move(incident, timeline.now, status=St.AWAITING_REMOVAL)
        if timeline.room() > timedelta(days=10) and self.rng.random() < 0.4:
            self.work.reply(incident, timeline, request, D.NO_REPLY)
            self.work.request_deletion(incident, timeline, cast.addressee, follow_up_of=request)

    def _escalated(self, incident: Incident, sc: Scenario, cast: Cast, timeline: Timeline) -> None:
        if sc.removal and cast.addressee is not None and self.rng.random() < 0.5:
            request = self.work.request_deletion(incident, timeline, cast.addressee)
            self.work.move(incident, timeline.now, status=St.AWAITING_REMOVAL)
            self.work.reply(incident, timeline, request, self.rng.choice((D.REFUSED, D.NO_REPLY)))
        escalation = self.work.escalate(incident, timeline, self.rng.choice(sc.escalations))
        self.work.move(incident, timeline.now, status=St.ESCALATED)
        if self.rng.random() < 0.5:
            self.work.settle(incident, timeline, escalation, ES.ACKNOWLEDGED)

    def _resolve(
        self,
        incident: Incident,
        sc: Scenario,
        cast: Cast,
        timeline: Timeline,
        outcome: IncidentOutcome,
    ) -> bool | None:
        """Do what leads to `outcome`; return whether the post is still up afterwards."""
        rng, work = self.rng, self.work
        can_request = sc.removal and cast.addressee is not None
        escalations = sc.escalations
        if outcome in (Out.POST_REMOVED, Out.POST_PARTLY_REMOVED):
            removed = outcome is Out.POST_REMOVED
            if can_request:
                assert cast.addressee is not None
                request = work.request_deletion(incident, timeline, cast.addressee)
                work.move(incident, timeline.now, status=St.AWAITING_REMOVAL)
                work.reply(incident, timeline, request, D.REMOVED if removed else D.PARTLY_REMOVED)
            elif escalations:
                kind = _pick(rng, escalations, _PLATFORM_KINDS)
                escalation = work.escalate(incident, timeline, kind)
                work.move(incident, timeline.now, status=St.ESCALATED)
                work.settle(incident, timeline, escalation, ES.ACTIONED)
            return not removed if incident.still_live is not None else None
        if outcome is Out.POST_REMAINS:
            if can_request:
                assert cast.addressee is not None
                request = work.request_deletion(incident, timeline, cast.addressee)
                work.move(incident, timeline.now, status=St.AWAITING_REMOVAL)
                work.reply(incident, timeline, request, rng.choice((D.REFUSED, D.NO_REPLY)))
            if escalations:
                kind = _pick(rng, escalations, _PLATFORM_KINDS)
                escalation = work.escalate(incident, timeline, kind)
                work.move(incident, timeline.now, status=St.ESCALATED)
                work.settle(incident, timeline, escalation, ES.CLOSED_NFA)
            return incident.still_live
        if outcome is Out.HANDED_TO_OTHER_AGENCY:
            kind = _pick(rng, escalations or (EscalationKind.HEADTEACHER,), tuple(AGENCIES))
            escalation = work.escalate(incident, timeline, kind)
            work.move(incident, timeline.now, status=St.ESCALATED)
            work.settle(incident, timeline, escalation, rng.choice((ES.ACTIONED, ES.ACKNOWLEDGED)))
            return incident.still_live
        if outcome is Out.RESOLVED_WITHOUT_REMOVAL:
            if can_request and rng.random() < 0.4:
                assert cast.addressee is not None
                request = work.request_deletion(incident, timeline, cast.addressee)
                work.move(incident, timeline.now, status=St.AWAITING_REMOVAL)
                work.reply(incident, timeline, request, D.WITHDRAWN)
            internal = [k for k in escalations if k not in AGENCIES and k not in _PLATFORM_KINDS]
            if internal and rng.random() < 0.5:
                escalation = work.escalate(incident, timeline, rng.choice(internal))
                work.settle(incident, timeline, escalation, ES.ACTIONED)
        return incident.still_live

    def _text(self, template: str, cast: Cast, seen: datetime) -> str:
        month = seen.astimezone(LONDON).month
        events = EVENTS_BY_MONTH[month] + EVENTS_BY_MONTH[(month - 2) % 12 + 1]
        return template.format(year=cast.year_label, event=self.rng.choice(events))


#: What the DSL says when Footprint asks, on closing, about loose ends.
CLOSING_DECISIONS = CloseDecisions(
    open_items_reason="The outcome is reached; the remaining follow-ups are no longer needed.",
    no_escalation_reason="Discussed with the deputy DSL: handled in school, with the "
    "family, under the behaviour policy; no referral needed.",
)


def _fits(scenario: Scenario, status: IncidentStatus) -> bool:
    if Category.PRAISE in scenario.categories:
        return status in (St.NEW, St.CLOSED)
    if status is St.AWAITING_REMOVAL:
        return scenario.removal
    if status is St.ESCALATED:
        return bool(scenario.escalations)
    return True


def _pick(
    rng: random.Random, available: tuple[EscalationKind, ...], preferred: tuple[EscalationKind, ...]
) -> EscalationKind:
    wanted = [k for k in available if k in preferred]
    return rng.choice(wanted or list(available))


def _scenario_notes(scenario: Scenario, rng: random.Random) -> list[str]:
    # Notes are listed in the order they happen; keep that order, drop some.
    notes = [n for n in scenario.notes if rng.random() < 0.8]
    return notes or list(scenario.notes[:1])
