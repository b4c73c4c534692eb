"""Retention: each incident's rule and review date, what is due for review, and the DSL's
decisions to keep a record longer. The rules themselves are `rules.retention` (pure);
holds are `legal_holds`; disposal is `disposal`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, null, or_, select
from sqlalchemy.orm import Session

from app.core.clock import LONDON, today_london
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.models import (
    Incident,
    Involvement,
    Person,
    RetentionDecision,
    RetentionDisposal,
    User,
)
from app.core.permissions import Permission, requires, visible_incidents
from app.core.rules.retention import (
    YEARS_RANGE,
    RetentionFacts,
    RetentionRule,
    RetentionSettings,
    add_years,
    check_years,
    retention_rule,
)
from app.core.services.chronology import record
from app.core.services.legal_holds import holds_on
from app.core.services.school import get_settings
from app.core.services.validation import atomic, check_text
from app.core.timefmt import format_date
from app.core.vocab import ChronologyKind, PersonKind

REASON_MAX = 2_000
DISPOSE = "dispose"
KEEP = "keep"


@dataclass(frozen=True)
class KeepDecision:
    """The DSL's decision to keep a record past its review date."""

    until: date
    reason: str
    by: str
    on: date


@dataclass(frozen=True)
class ReviewItem:
    """An incident as the Retention review lists it."""

    incident_id: int
    reference: str
    seen_on: date
    closed_on: date | None
    withdrawn: bool
    safeguarding: bool
    rule: RetentionRule
    #: The rule's review date, or the end of the DSL's decision to keep it, if later.
    review_on: date | None
    kept: KeepDecision | None
    holds: tuple[str, ...]

    def due(self, today: date) -> bool:
        return self.review_on is not None and self.review_on <= today


@dataclass(frozen=True)
class IncidentRetention:
    """What the incident window says about retention (one line of small print)."""

    rule: RetentionRule | None  # None once disposed of
    review_on: date | None
    kept: KeepDecision | None
    holds: tuple[str, ...]
    disposed: str  # "" unless disposed of: when, under which rule, by whom

    @property
    def summary(self) -> str:
        if self.rule is None:
            return self.disposed
        if self.review_on is None:
            text = "Retention: none yet. Its retention period starts when it is closed."
        else:
            text = f"Retention: review on {format_date(self.review_on)}. {self.rule.reason}"
        if self.kept is not None:
            text += (
                f" Kept until {format_date(self.kept.until)} ({self.kept.by}, "
                f"{format_date(self.kept.on)}): {self.kept.reason}"
            )
        if self.holds:
            text += f" Legal hold: {'; '.join(self.holds)}."
        return text


def settings_of(session: Session) -> RetentionSettings:
    """The school's retention periods (IRMS's defaults before first-run set-up)."""
    try:
        settings = get_settings(session)
    except NotFound:
        return RetentionSettings()
    return RetentionSettings(
        safeguarding_years=settings.retention_safeguarding_years,
        years_after_closing=settings.retention_years_after_closing,
    )


@requires(Permission.REVIEW_RETENTION)
def retention_periods(session: Session) -> RetentionSettings:
    """The school's retention periods, as the Retention review shows them."""
    return settings_of(session)


@requires(Permission.DISPOSE_RECORDS)
def set_retention_periods(
    session: Session, actor: User, *, safeguarding_years: int, years_after_closing: int
) -> None:
    """Change the school's retention periods (the DSL's; each change is on the trail)."""
    for field, value in (
        ("safeguarding_years", safeguarding_years),
        ("years_after_closing", years_after_closing),
    ):
        if not check_years(value):
            raise ValidationError(
                field,
                f"A retention period is {YEARS_RANGE.start} to {YEARS_RANGE.stop - 1} years.",
            )
    with atomic(session):
        settings = get_settings(session)
        settings.retention_safeguarding_years = safeguarding_years
        settings.retention_years_after_closing = years_after_closing
        settings.updated_by_id = actor.id
        session.flush()


def _finished() -> ColumnElement[bool]:
    return or_(Incident.closed_at.is_not(None), Incident.withdrawn_at.is_not(None))


def _finished_by(day: date) -> ColumnElement[bool]:
    """Closed or withdrawn on or before `day` (London)."""
    end = datetime.combine(day + timedelta(days=1), time(), LONDON)
    return or_(Incident.closed_at < end, Incident.withdrawn_at < end)


def may_be_due(settings: RetentionSettings, today: date) -> ColumnElement[bool]:
    """A condition in SQL that every incident due today meets (and a few days' more: the
    rule itself decides, in Python), so a long log's review reads only those: finished
    long enough ago, and for a safeguarding concern no pupil on it young enough to keep it
    (and, with no date of birth known, closed long enough ago)."""
    slack = timedelta(days=2)  # 29 February, and any rounding: the rule decides exactly
    closed_by = add_years(today, -settings.years_after_closing) + slack
    concern_closed_by = add_years(today, -settings.safeguarding_years) + slack
    born_by = add_years(today, -settings.safeguarding_years) + slack
    pupils = (
        select(Involvement.id)
        .join(Person, Person.id == Involvement.person_id)
        .where(
            Involvement.incident_id == Incident.id,
            Involvement.withdrawn_at.is_(None),
            Person.kind == PersonKind.PUPIL,
        )
    )
    younger = pupils.where(Person.date_of_birth > born_by).exists()
    born_known = pupils.where(Person.date_of_birth.is_not(None)).exists()
    return or_(
        and_(Incident.safeguarding_concern.is_(False), _finished_by(closed_by)),
        and_(
            Incident.safeguarding_concern.is_(True),
            _finished(),
            ~younger,
            or_(born_known, _finished_by(concern_closed_by)),
        ),
    )


def _closed_on(closed_at: datetime | None, withdrawn_at: datetime | None) -> date | None:
    """The day it was finished with: closed, or withdrawn (recorded in error), whichever
    came first."""
    moments = [m for m in (closed_at, withdrawn_at) if m is not None]
    return min(moments).astimezone(LONDON).date() if moments else None


def _youngest_birth() -> ColumnElement[date | None]:
    """For a safeguarding concern, the latest date of birth among the pupils involved
    (people withdrawn from it, added in error, don't count); read per row through the
    involvements' index on the incident."""
    born = (
        select(func.max(Person.date_of_birth))
        .join(Involvement, Involvement.person_id == Person.id)
        .where(
            Involvement.incident_id == Incident.id,
            Involvement.withdrawn_at.is_(None),
            Person.kind == PersonKind.PUPIL,
        )
        .correlate(Incident)
        .scalar_subquery()
    )
    return case((Incident.safeguarding_concern.is_(True), born), else_=null())


def _kept(session: Session, incident_ids: Iterable[int]) -> dict[int, KeepDecision]:
    """Each incident's decision in force, if it is to keep it."""
    ids = sorted(set(incident_ids))
    names: dict[int, str] = {u: n for u, n in session.execute(select(User.id, User.display_name))}
    kept: dict[int, KeepDecision] = {}
    for start in range(0, len(ids), 500):
        newest = (
            select(func.max(RetentionDecision.id))
            .where(RetentionDecision.incident_id.in_(ids[start : start + 500]))
            .group_by(RetentionDecision.incident_id)
        )
        for decision in session.scalars(
            select(RetentionDecision).where(RetentionDecision.id.in_(newest))
        ):
            if decision.decision == KEEP and decision.keep_until is not None:
                kept[decision.incident_id] = KeepDecision(
                    decision.keep_until,
                    decision.reason,
                    names.get(decision.created_by_id, ""),
                    decision.created_at.astimezone(LONDON).date(),
                )
    return kept


def review_items(session: Session, where: list[ColumnElement[bool]]) -> list[ReviewItem]:
    """Incidents not yet disposed of (of those the actor may see, matching `where`) with
    their rules; the holds on them are left for the caller to add."""
    rows = session.execute(
        select(
            Incident.id,
            Incident.reference,
            Incident.seen_at,
            Incident.closed_at,
            Incident.withdrawn_at,
            Incident.safeguarding_concern,
            _youngest_birth(),
        ).where(Incident.disposed_at.is_(None), visible_incidents(session), *where)
    ).all()
    settings = settings_of(session)
    kept = _kept(session, [r[0] for r in rows])
    items = []
    for incident_id, reference, seen_at, closed_at, withdrawn_at, safeguarding, born in rows:
        facts = RetentionFacts(
            safeguarding, _closed_on(closed_at, withdrawn_at), (born,) if born else ()
        )
        rule = retention_rule(facts, settings)
        keep = kept.get(incident_id)
        review_on = rule.review_on
        if review_on is not None and keep is not None:
            review_on = max(review_on, keep.until)
        items.append(
            ReviewItem(
                incident_id=incident_id,
                reference=reference,
                seen_on=seen_at.astimezone(LONDON).date(),
                closed_on=facts.closed_on,
                withdrawn=withdrawn_at is not None,
                safeguarding=safeguarding,
                rule=rule,
                review_on=review_on,
                kept=keep,
                holds=(),
            )
        )
    return items


@requires(Permission.REVIEW_RETENTION)
def retention_review(session: Session, *, today: date | None = None) -> list[ReviewItem]:
    """What is due: incidents whose review date has come (closed or withdrawn, not yet
    disposed of), with the holds that stop their disposal; oldest review date first."""
    today = today or today_london()
    candidates = may_be_due(settings_of(session), today)
    due = [item for item in review_items(session, [candidates]) if item.due(today)]
    holds = holds_on(session, [item.incident_id for item in due])
    return sorted(
        (
            ReviewItem(**{**item.__dict__, "holds": tuple(holds.get(item.incident_id, ()))})
            for item in due
        ),
        key=lambda item: (item.review_on or date.max, item.reference),
    )


@requires(Permission.READ_INCIDENTS, incident="incident_id")
def incident_retention(session: Session, incident_id: int) -> IncidentRetention:
    """An incident's rule, review date, any decision to keep it and holds on it, or, once
    disposed of, what the disposal record says."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("That incident does not exist.")
    if incident.disposed_at is not None:
        disposal = session.scalars(
            select(RetentionDisposal).where(RetentionDisposal.incident_id == incident_id)
        ).first()
        who = session.get(User, disposal.created_by_id) if disposal else None
        said = (
            f"Disposed of on {format_date(incident.disposed_at)}"
            + (f" by {who.display_name}" if who else "")
            + (f" under the retention rule: {disposal.rule_reason}" if disposal else ".")
            + " Its content was erased; only the figures the governors' reports count are kept."
        )
        return IncidentRetention(None, None, None, (), said)
    items = review_items(session, [Incident.id == incident_id])
    if not items:
        raise NotFound("That incident does not exist.")
    item = items[0]
    holds = tuple(holds_on(session, [incident_id]).get(incident_id, ()))
    return IncidentRetention(item.rule, item.review_on, item.kept, holds, "")


@requires(Permission.DISPOSE_RECORDS, incident="incident_id")
def keep_longer(
    session: Session, actor: User, incident_id: int, until: date, reason: str
) -> RetentionDecision:
    """The DSL's decision to keep a finished incident until a later date, and why (on its
    timeline too). Decisions are added, never changed; the newest is in force."""
    check_text(
        "reason", reason, label="The reason", max_length=REASON_MAX, required=True, multiline=True
    )
    if until <= today_london():
        raise ValidationError("keep_until", "Keep it until a date after today.")
    with atomic(session):
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFound("That incident does not exist.")
        if incident.disposed_at is not None:
            raise Conflict(f"{incident.reference} was already disposed of.")
        if incident.closed_at is None and incident.withdrawn_at is None:
            raise Conflict(
                f"{incident.reference} is open: its retention period starts when it is closed."
            )
        decision = RetentionDecision(
            incident_id=incident_id,
            decision=KEEP,
            keep_until=until,
            reason=reason.strip(),
            created_by_id=actor.id,
        )
        session.add(decision)
        record(
            session,
            actor,
            incident,
            ChronologyKind.RETENTION,
            f"Retention: kept until {format_date(until)}. {decision.reason}",
        )
        session.flush()
    return decision
