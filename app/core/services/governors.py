"""The governors' termly summary, anonymised by construction: every figure here is a count
of vocabulary values (categories, platforms, kinds of poster, severities, outcomes) or a
number of school days. No name, summary, link, account, note or evidence is ever read.

A term's reporting period runs from its first day to the day before the next term starts
(or its last day, if no later term is entered), so that holidays are counted too.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.core.audit import Action, Record, current_checkpoint, record_look
from app.core.clock import LONDON, today_london
from app.core.errors import NotFound
from app.core.models import (
    DeletionRequest,
    Escalation,
    Incident,
    IncidentCategory,
)
from app.core.permissions import Permission, requires
from app.core.reports import GovernorsReport, TermFigures
from app.core.rules.escalation_groups import EscalationGroup, escalation_group
from app.core.rules.school_days import SchoolCalendar, Term
from app.core.rules.suppression import Row, RowGroup
from app.core.services.governors_commentary import latest_commentary
from app.core.services.governors_people import (
    POSTER_ORDER,
    poster_groups,
    year_group_rows,
)
from app.core.services.school import find_settings
from app.core.services.terms import list_terms
from app.core.vocab import (
    Category,
    DeletionOutcome,
    EscalationKind,
    EscalationStatus,
    Platform,
    PrejudiceType,
    Severity,
)

TREND_TERMS = 4

#: Categories that make a record a mention of the school, not an incident: a record with
#: only these is counted as a mention, in no incident figure (one with another category
#: too is an incident, listed under its other categories).
MENTION_CATEGORIES: frozenset[Category] = frozenset({Category.PRAISE})

REQUEST_ROWS = [
    (DeletionOutcome.REMOVED, "Post removed"),
    (DeletionOutcome.PARTLY_REMOVED, "Partly removed"),
    (DeletionOutcome.REFUSED, "Refused"),
    (DeletionOutcome.NO_REPLY, "No reply"),
    (DeletionOutcome.PENDING, "Still waiting"),
    (DeletionOutcome.SUPERSEDED, "Closed when another request brought removal"),
]


@dataclass(frozen=True)
class Period:
    """The dates a term's report covers (inclusive), and the UTC instants bounding them."""

    term: Term
    starts_on: date
    ends_on: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.starts_on, time(), LONDON)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.ends_on + timedelta(days=1), time(), LONDON)


def period_of(term: Term, terms: Sequence[Term]) -> Period:
    """From the term's first day to the day before the next term begins."""
    later = [t.starts_on for t in terms if t.starts_on > term.starts_on]
    ends_on = min(later) - timedelta(days=1) if later else term.ends_on
    return Period(term, term.starts_on, max(ends_on, term.ends_on))


def term_context(session: Session, term: Term) -> tuple[list[Term], SchoolCalendar, Period]:
    """The terms (with `term`, if it isn't one of the school's), their calendar, and the
    period `term`'s figures cover."""
    terms = list_terms(session)
    if term not in terms:
        terms = sorted([*terms, term], key=lambda t: t.starts_on)
    return terms, SchoolCalendar(terms), period_of(term, terms)


# --- Building the report -------------------------------------------------------------


@requires(Permission.GOVERNORS_REPORT)
def record_report_output(session: Session, term_key: str, action: Action, **detail: object) -> None:
    """The governors' report (or its rows) was printed or saved, in this unit of work."""
    record_look(session, action, Record.GOVERNORS_REPORT, None, term=term_key, **detail)


@requires(Permission.GOVERNORS_REPORT)
def report_terms(session: Session) -> list[Term]:
    """Terms a report can be made for: those that have started, newest first."""
    today = today_london()
    return [t for t in reversed(list_terms(session)) if t.starts_on <= today]


def find_term(session: Session, key: str) -> Term:
    """A term by its key ("2026-autumn")."""
    for term in list_terms(session):
        if term.key == key.strip().lower():
            return term
    raise NotFound(
        f"There is no term “{key}”. Terms are named like 2026-autumn, 2026-spring or "
        "2026-summer (the year the academic year starts); see Settings → Term dates."
    )


@requires(Permission.GOVERNORS_REPORT)
def build_report(
    session: Session,
    term: Term,
    *,
    suppress: bool = True,
    commentary: str | None = None,
) -> GovernorsReport:
    """The report's figures for `term` (the saved commentary unless one is given)."""
    terms, calendar, period = term_context(session, term)
    settings = find_settings(session)
    in_period = incidents_in(period)

    severity_counts = Counter(
        dict(
            session.execute(
                select(Incident.severity, func.count()).where(in_period).group_by(Incident.severity)
            ).all()
        )
    )
    incidents = sum(severity_counts.values())
    safeguarding = (
        session.scalar(
            select(func.count()).where(in_period, Incident.safeguarding_concern.is_(True))
        )
        or 0
    )
    categories = Counter(
        dict(
            session.execute(
                select(IncidentCategory.category, func.count())
                .join(Incident, Incident.id == IncidentCategory.incident_id)
                .where(in_period)
                .group_by(IncidentCategory.category)
            ).all()
        )
    )
    prejudice = Counter(
        dict(
            session.execute(
                select(Incident.prejudice_type, func.count())
                .join(IncidentCategory, IncidentCategory.incident_id == Incident.id)
                .where(
                    in_period,
                    IncidentCategory.category == Category.PREJUDICE_BASED,
                    Incident.prejudice_type.is_not(None),
                )
                .group_by(Incident.prejudice_type)
            ).all()
        )
    )
    platforms = Counter(
        dict(
            session.execute(
                select(Incident.platform, func.count()).where(in_period).group_by(Incident.platform)
            ).all()
        )
    )
    posters = poster_groups(session, in_period, incidents)

    request_outcomes, removal_days = _requests(session, period, calendar)
    escalation_counts = Counter(
        {
            (kind, status): count
            for kind, status, count in session.execute(
                select(Escalation.kind, Escalation.status, func.count())
                .join(Incident, Incident.id == Escalation.incident_id)
                .where(*_escalations_in(period))
                .group_by(Escalation.kind, Escalation.status)
            ).all()
        }
    )
    by_kind: Counter[EscalationKind] = Counter()
    by_status: Counter[EscalationStatus] = Counter()
    for (kind, status), count in escalation_counts.items():
        by_kind[kind] += count
        by_status[status] += count
    position = terms.index(term)
    trend = [
        _term_figures(session, period_of(t, terms))
        for t in terms[max(0, position - TREND_TERMS + 1) : position + 1]
    ]
    end = period.end
    open_at_end = (
        session.scalar(
            select(func.count()).where(
                Incident.withdrawn_at.is_(None),
                is_incident(),
                Incident.seen_at < end,
                or_(Incident.closed_at.is_(None), Incident.closed_at >= end),
            )
        )
        or 0
    )
    waiting = (
        session.scalar(
            select(func.count())
            .select_from(DeletionRequest)
            .join(Incident, Incident.id == DeletionRequest.incident_id)
            .where(
                Incident.withdrawn_at.is_(None),
                is_incident(),
                DeletionRequest.withdrawn_at.is_(None),
                DeletionRequest.sent_at < end,
                DeletionRequest.outcome == DeletionOutcome.PENDING,
            )
        )
        or 0
    )
    escalations_open = (
        session.scalar(
            select(func.count())
            .select_from(Escalation)
            .join(Incident, Incident.id == Escalation.incident_id)
            .where(
                Incident.withdrawn_at.is_(None),
                is_incident(),
                Escalation.withdrawn_at.is_(None),
                Escalation.escalated_at < end,
                Escalation.status.in_([EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED]),
            )
        )
        or 0
    )
    mentions = session.scalar(select(func.count()).where(_recorded_in(period), is_mention())) or 0
    return GovernorsReport(
        school_name=settings.name if settings else "",
        term_key=term.key,
        term_title=term.title,
        period_start=period.starts_on,
        period_end=period.ends_on,
        produced_on=today_london(),
        suppress=suppress,
        incidents=incidents,
        safeguarding=safeguarding,
        by_category=[
            Row(c.label, categories[c])
            for c in Category
            if categories[c] and c not in MENTION_CATEGORIES
        ],
        by_platform=[Row(p.label, platforms[p]) for p in Platform if platforms[p]],
        by_poster=[Row(label, posters[label]) for label in POSTER_ORDER if posters[label]],
        by_severity=[Row(s.label, severity_counts[s]) for s in Severity],
        requests_sent=sum(request_outcomes.values()),
        requests=[Row(label, request_outcomes[outcome]) for outcome, label in REQUEST_ROWS],
        removal_days_median=statistics.median(removal_days) if removal_days else None,
        removal_days_longest=max(removal_days) if removal_days else None,
        removals_timed=len(removal_days),
        escalations_total=sum(by_kind.values()),
        escalations_by_kind=[Row(k.label, by_kind[k]) for k in EscalationKind if by_kind[k]],
        escalations_by_status=[
            Row(s.label, by_status[s]) for s in EscalationStatus if by_status[s]
        ],
        trend=trend,
        open_incidents_at_end=open_at_end,
        requests_waiting=waiting,
        escalations_open=escalations_open,
        escalation_groups=_escalation_groups(by_kind),
        mentions=mentions,
        commentary=(commentary if commentary is not None else latest_commentary(session, term.key)),
        checkpoint=str(current_checkpoint(session) or ""),
        by_prejudice_type=[Row(t.label, prejudice[t]) for t in PrejudiceType if prejudice[t]],
        by_year_group=year_group_rows(session, in_period),
    )


def incidents_in(period: Period) -> ColumnElement[bool]:
    """Incidents seen in the period (not withdrawn, not mentions of the school)."""
    return and_(_recorded_in(period), is_incident())


def _recorded_in(period: Period) -> ColumnElement[bool]:
    return and_(
        Incident.withdrawn_at.is_(None),
        Incident.seen_at >= period.start,
        Incident.seen_at < period.end,
    )


def _has_category(mention: bool) -> ColumnElement[bool]:
    # An alias: a query that already joins the categories must not correlate them here.
    category = aliased(IncidentCategory)
    chosen = (
        category.category.in_(MENTION_CATEGORIES)
        if mention
        else category.category.not_in(MENTION_CATEGORIES)
    )
    return exists().where(category.incident_id == Incident.id, chosen).correlate(Incident)


def is_incident() -> ColumnElement[bool]:
    """Not a mention of the school: some category other than praise (or no category)."""
    return or_(~_has_category(mention=True), _has_category(mention=False))


def is_mention() -> ColumnElement[bool]:
    """A mention of the school (praise): only mention categories."""
    return and_(_has_category(mention=True), ~_has_category(mention=False))


def _escalations_in(period: Period) -> list[ColumnElement[bool]]:
    return [
        Incident.withdrawn_at.is_(None),
        is_incident(),
        Escalation.withdrawn_at.is_(None),
        Escalation.escalated_at >= period.start,
        Escalation.escalated_at < period.end,
    ]


def _requests_in(period: Period) -> list[ColumnElement[bool]]:
    return [
        Incident.withdrawn_at.is_(None),
        is_incident(),
        DeletionRequest.withdrawn_at.is_(None),
        DeletionRequest.sent_at >= period.start,
        DeletionRequest.sent_at < period.end,
        DeletionRequest.outcome != DeletionOutcome.WITHDRAWN,
    ]


def _escalation_groups(by_kind: Counter[EscalationKind]) -> list[RowGroup]:
    """Escalations by kind in their groups (see `rules.escalation_groups`), each group's
    rows in the vocabulary's order; empty groups are left out."""
    groups = [
        RowGroup(
            group.label,
            [Row(k.label, by_kind[k]) for k in EscalationKind if escalation_group(k) is group],
        )
        for group in EscalationGroup
    ]
    return [g for g in groups if g.total]


def _requests(
    session: Session, period: Period, calendar: SchoolCalendar
) -> tuple[Counter[DeletionOutcome], list[int]]:
    """Requests sent in the period by outcome, and for each removal the school days from
    the first request to the same person (a second request follows on from it) to the
    day the removal was checked."""
    outcomes: Counter[DeletionOutcome] = Counter()
    removed: list[tuple[int | None, datetime, datetime]] = []
    for outcome, sent_at, verified_at, follow_up_of in session.execute(
        select(
            DeletionRequest.outcome,
            DeletionRequest.sent_at,
            DeletionRequest.removal_verified_at,
            DeletionRequest.follow_up_of_id,
        )
        .join(Incident, Incident.id == DeletionRequest.incident_id)
        .where(*_requests_in(period))
    ).all():
        outcomes[outcome] += 1
        if outcome is DeletionOutcome.REMOVED and sent_at and verified_at:
            removed.append((follow_up_of, sent_at, verified_at))
    return outcomes, school_days_to_removal(session, calendar, removed)


def school_days_to_removal(
    session: Session,
    calendar: SchoolCalendar,
    removed: Sequence[tuple[int | None, datetime, datetime]],
) -> list[int]:
    """For each removal (the request marked removed: the request it follows up, when it
    was sent, when the removal was checked), the school days from the first request of
    its chain to the day the removal was checked. The report and its CSV both use this."""
    firsts = _first_sent(session, {f for f, _, _ in removed if f is not None})
    days = []
    for follow_up_of, sent_at, verified_at in removed:
        started = firsts.get(follow_up_of, sent_at) if follow_up_of else sent_at
        days.append(
            calendar.school_days_between(
                started.astimezone(LONDON).date(), verified_at.astimezone(LONDON).date()
            )
        )
    return days


def _first_sent(session: Session, ids: set[int]) -> dict[int, datetime]:
    """For each request id, when the first request of its chain was sent."""
    found: dict[int, datetime] = {}
    for start in ids:
        current: int | None = start
        sent: datetime | None = None
        for _ in range(20):  # chains are short; never loop for ever on bad data
            if current is None:
                break
            row = session.execute(
                select(DeletionRequest.sent_at, DeletionRequest.follow_up_of_id).where(
                    DeletionRequest.id == current
                )
            ).first()
            if row is None:
                break
            sent = row[0] or sent
            current = row[1]
        if sent is not None:
            found[start] = sent
    return found


def _term_figures(session: Session, period: Period) -> TermFigures:
    in_period = incidents_in(period)
    incidents, safeguarding = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Incident.safeguarding_concern.is_(True), 1), else_=0)), 0),
        ).where(in_period)
    ).one()
    requests = (
        select(DeletionRequest.outcome)
        .join(Incident, Incident.id == DeletionRequest.incident_id)
        .where(*_requests_in(period))
    )
    outcomes = Counter(session.scalars(requests))
    escalations = (
        session.scalar(
            select(func.count())
            .select_from(Escalation)
            .join(Incident, Incident.id == Escalation.incident_id)
            .where(*_escalations_in(period))
        )
        or 0
    )
    return TermFigures(
        title=period.term.title,
        incidents=incidents,
        safeguarding=int(safeguarding),
        requests_sent=sum(outcomes.values()),
        removed=outcomes[DeletionOutcome.REMOVED],
        escalations=escalations,
    )
