"""The register of approved pupil–adult social media links (the policy's exceptions,
e.g. a pupil whose aunt teaches at the school): declared, approved by the headteacher,
reviewed; withdrawn entries stay visible as withdrawn. The DSL and deputies declare
links; only the headteacher approves them (the policy: "approved by the
Headteacher/Principal"), or a DSL the school has named as also the headteacher, whose
approval says so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.core.clock import today_london, utc_now
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.models import ContactException, Person, User
from app.core.permissions import DSL_TEAM, Permission, requires
from app.core.services.people import get_person
from app.core.services.validation import atomic, check_past_date, check_text
from app.core.vocab import PersonKind

ADULT_KINDS = frozenset(
    {PersonKind.STAFF, PersonKind.GOVERNOR, PersonKind.VOLUNTEER, PersonKind.CONTRACTOR}
)


@dataclass(frozen=True)
class ExceptionDetails:
    """What is declared about one link."""

    pupil_id: int
    adult_id: int
    relationship_label: str
    declared_on: date
    platforms: str = ""
    review_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class ExceptionRow:
    """One line of the register."""

    id: int
    pupil_name: str
    adult_name: str
    adult_kind: PersonKind
    relationship_label: str
    platforms: str
    declared_on: date
    approved_at: datetime | None
    approved_by: str | None
    review_on: date | None
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    notes: str
    # Approved by a DSL the school named as also the headteacher (a setting).
    approved_as_dsl_headteacher: bool = False

    @property
    def approval(self) -> str:
        """Who approved it, as the register says it."""
        if self.approved_by is None:
            return ""
        if self.approved_as_dsl_headteacher:
            return f"{self.approved_by} (DSL and headteacher, a school setting)"
        return self.approved_by

    @property
    def status(self) -> str:
        """Withdrawn, Awaiting approval, Review due or Approved (as the register shows it)."""
        if self.withdrawn_at is not None:
            return "Withdrawn"
        if self.approved_at is None:
            return "Awaiting approval"
        if self.review_on is not None and self.review_on <= today_london():
            return "Review due"
        return "Approved"


def _validate(session: Session, details: ExceptionDetails) -> None:
    pupil = get_person(session, details.pupil_id)
    adult = get_person(session, details.adult_id)
    if pupil.kind is not PersonKind.PUPIL or pupil.withdrawn_at is not None:
        raise ValidationError("pupil", "Choose a pupil.")
    if adult.kind not in ADULT_KINDS or adult.withdrawn_at is not None:
        raise ValidationError(
            "adult", "Choose a member of staff, governor, volunteer or contractor."
        )
    check_text(
        "relationship_label",
        details.relationship_label,
        label="The relationship",
        max_length=200,
        required=True,
    )
    check_text("platforms", details.platforms, label="The platforms", max_length=200)
    check_text("notes", details.notes, label="The notes", max_length=2_000, multiline=True)
    check_past_date("declared_on", details.declared_on, label="The date declared")
    if details.review_on is not None and details.review_on <= details.declared_on:
        raise ValidationError("review_on", "The review date must be after the date declared.")


@requires(Permission.MANAGE_EXCEPTIONS)
def add_exception(session: Session, actor: User, details: ExceptionDetails) -> ContactException:
    """Enter a declared link; it awaits the headteacher's approval."""
    _validate(session, details)
    with atomic(session):
        entry = ContactException(
            pupil_id=details.pupil_id,
            adult_id=details.adult_id,
            relationship_label=details.relationship_label,
            platforms=details.platforms,
            declared_on=details.declared_on,
            review_on=details.review_on,
            notes=details.notes,
            created_by_id=actor.id,
        )
        session.add(entry)
        session.flush()
    return entry


@requires(Permission.APPROVE_EXCEPTIONS)
def approve_exception(
    session: Session, actor: User, exception_id: int, *, review_on: date
) -> ContactException:
    """Record the headteacher's approval, with the date it must be reviewed by. A DSL the
    school has named as also the headteacher may approve too; the approval says so."""
    with atomic(session):
        entry = _get_open(session, exception_id)
        if entry.approved_at is not None:
            raise Conflict("This link has already been approved.")
        if review_on <= today_london():
            raise ValidationError("review_on", "The review date must be in the future.")
        entry.approved_at = utc_now()
        entry.approved_by_id = actor.id
        entry.approved_as_dsl_headteacher = actor.role in DSL_TEAM
        entry.review_on = review_on
        entry.updated_by_id = actor.id
        session.flush()
    return entry


@requires(Permission.MANAGE_EXCEPTIONS)
def review_exception(
    session: Session, actor: User, exception_id: int, *, next_review_on: date, note: str = ""
) -> ContactException:
    """Record that the link was reviewed and still stands, and when to review it next."""
    check_text("notes", note, label="The note", max_length=1_000, multiline=True)
    with atomic(session):
        entry = _get_open(session, exception_id)
        if entry.approved_at is None:
            raise Conflict("Approve the link before reviewing it.")
        if next_review_on <= today_london():
            raise ValidationError("review_on", "The next review date must be in the future.")
        entry.review_on = next_review_on
        if note:
            stamp = today_london().strftime("%d/%m/%Y")
            entry.notes = f"{entry.notes}\n{stamp} reviewed: {note}".strip()
        entry.updated_by_id = actor.id
        session.flush()
    return entry


@requires(Permission.MANAGE_EXCEPTIONS)
def withdraw_exception(
    session: Session, actor: User, exception_id: int, reason: str
) -> ContactException:
    """End a link (it stays in the register, shown as withdrawn)."""
    check_text(
        "reason", reason, label="The reason", max_length=1_000, required=True, multiline=True
    )
    with atomic(session):
        entry = _get_open(session, exception_id)
        entry.withdrawn_at = utc_now()
        entry.withdrawn_by_id = actor.id
        entry.withdrawn_reason = reason
        session.flush()
    return entry


#: The register's joins, aliased once: a fresh alias each call made SQLAlchemy adapt and
#: compile the statement again (about 12 ms a call, twice on every refresh).
_PUPIL = aliased(Person, name="pupil")
_ADULT = aliased(Person, name="adult")
_APPROVER = aliased(User, name="approver")


@requires(Permission.READ_EXCEPTIONS)
def list_exceptions(session: Session, *, include_withdrawn: bool = True) -> list[ExceptionRow]:
    """The register: open entries by review date (soonest first), then withdrawn ones."""
    pupil, adult, approver = _PUPIL, _ADULT, _APPROVER
    query = (
        select(ContactException, pupil, adult, approver.display_name)
        .join(pupil, pupil.id == ContactException.pupil_id)
        .join(adult, adult.id == ContactException.adult_id)
        .outerjoin(approver, approver.id == ContactException.approved_by_id)
    )
    if not include_withdrawn:
        query = query.where(ContactException.withdrawn_at.is_(None))
    rows = [
        ExceptionRow(
            e.id,
            p.full_name,
            a.full_name,
            a.kind,
            e.relationship_label,
            e.platforms,
            e.declared_on,
            e.approved_at,
            name,
            e.review_on,
            e.withdrawn_at,
            e.withdrawn_reason,
            e.notes,
            e.approved_as_dsl_headteacher,
        )
        for e, p, a, name in session.execute(query)
    ]
    return sorted(
        rows,
        key=lambda r: (r.withdrawn_at is not None, r.review_on or date.max, r.pupil_name),
    )


@requires(Permission.READ_EXCEPTIONS)
def reviews_due(session: Session, *, on: date | None = None) -> list[ExceptionRow]:
    """Open, approved links whose review date has arrived (most overdue first)."""
    day = on or today_london()
    return [
        r
        for r in list_exceptions(session, include_withdrawn=False)
        if r.approved_at is not None and r.review_on is not None and r.review_on <= day
    ]


@dataclass(frozen=True)
class LinkRow:
    """One open entry of the register between two people (for an incident's guidance)."""

    id: int
    pupil_id: int
    adult_id: int
    relationship_label: str
    platforms: str
    approved_at: datetime | None


@requires(Permission.READ_EXCEPTIONS)
def links_among(session: Session, person_ids: Iterable[int]) -> list[LinkRow]:
    """The register's open (not withdrawn) entries whose pupil and adult are both among
    `person_ids` — e.g. the people on one incident — oldest first."""
    ids = set(person_ids)
    if not ids:
        return []
    entries = session.scalars(
        select(ContactException)
        .where(
            ContactException.withdrawn_at.is_(None),
            ContactException.pupil_id.in_(ids),
            ContactException.adult_id.in_(ids),
        )
        .order_by(ContactException.id)
    )
    return [
        LinkRow(e.id, e.pupil_id, e.adult_id, e.relationship_label, e.platforms, e.approved_at)
        for e in entries
    ]


def _get_open(session: Session, exception_id: int) -> ContactException:
    entry = session.get(ContactException, exception_id)
    if entry is None:
        raise NotFound("That entry is not in the register.")
    if entry.withdrawn_at is not None:
        raise Conflict("This link has been withdrawn.")
    return entry
