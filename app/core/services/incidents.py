"""Incidents: record, correct, close, withdraw. Every change goes into the chronology."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import LONDON, utc_now
from app.core.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.core.models import Evidence, Incident, IncidentCategory, Person, User
from app.core.permissions import CASE_MANAGER_ROLES, DSL_TEAM, Permission, may_see, requires
from app.core.services import search_index
from app.core.services.chronology import record
from app.core.services.closing import CloseDecisions, check_and_record_closing
from app.core.services.evidence import NUDE_IMAGE_RULE
from app.core.services.lookups import get_incident
from app.core.services.references import next_reference
from app.core.services.validation import (
    atomic,
    check_aware,
    check_choice,
    check_text,
    check_url,
)
from app.core.timefmt import format_datetime
from app.core.vocab import (
    Audience,
    Category,
    ChronologyKind,
    EvidenceKind,
    IncidentOutcome,
    IncidentStatus,
    Platform,
    PrejudiceType,
    Severity,
)

SUMMARY_MAX = 10_000


@dataclass(frozen=True)
class IncidentDetails:
    """Every field of an incident the DSL types (categories included)."""

    seen_at: datetime
    platform: Platform
    summary: str
    severity: Severity
    categories: frozenset[Category]
    happened_at: datetime | None = None
    reported_at: datetime | None = None
    reported_by_id: int | None = None
    platform_other: str = ""
    audience: Audience | None = None
    url: str = ""
    account_handle: str = ""
    still_live: bool | None = None
    safeguarding_concern: bool = False
    # Restricted: seen only by the DSL and deputies and the case manager named below
    # (the DSL or a deputy sets both).
    dsl_only: bool = False
    parent_informed: bool | None = None
    parent_informed_at: datetime | None = None
    parent_not_informed_reason: str = ""
    status: IncidentStatus = IncidentStatus.NEW
    outcome: IncidentOutcome | None = None
    outcome_rationale: str = ""
    parent_informed_by: str = ""
    # Only with the "prejudice-based" category, and then required.
    prejudice_type: PrejudiceType | None = None
    # A restricted incident's case manager: a headteacher's or chair of governors' account.
    case_manager_id: int | None = None


_FIELD_LABELS = {
    "seen_at": "Date seen",
    "happened_at": "Date posted",
    "reported_at": "Date reported",
    "reported_by_id": "Reported by",
    "platform": "Platform",
    "platform_other": "Other platform",
    "audience": "Where it was posted",
    "url": "Link",
    "account_handle": "Account",
    "still_live": "Still live",
    "summary": "Summary",
    "severity": "Severity",
    "safeguarding_concern": "Safeguarding concern",
    "dsl_only": "Restricted",
    "parent_informed": "Parent informed",
    "parent_informed_at": "When parent informed",
    "parent_not_informed_reason": "Why parent not informed",
    "status": "Status",
    "outcome": "Outcome",
    "outcome_rationale": "Rationale",
    "categories": "Categories",
    "parent_informed_by": "Who told the parent",
    "prejudice_type": "Type of prejudice",
    "case_manager_id": "Case manager",
}


def validate_details(session: Session, details: IncidentDetails) -> None:
    """Every rule an incident must meet; the first broken one raises ValidationError."""
    check_choice("platform", Platform, details.platform, label="Platform")
    check_choice("severity", Severity, details.severity, label="Severity")
    status = check_choice("status", IncidentStatus, details.status, label="Status")
    if details.audience is not None:
        check_choice("audience", Audience, details.audience, label="Where it was posted")
    if details.outcome is not None:
        check_choice("outcome", IncidentOutcome, details.outcome, label="Outcome")
    if not details.categories:
        raise ValidationError("categories", "Choose at least one category.")
    for category in details.categories:
        check_choice("categories", Category, category, label="Category")
    _check_prejudice(details)
    check_text(
        "summary",
        details.summary,
        label="The summary",
        max_length=SUMMARY_MAX,
        required=True,
        multiline=True,
    )
    check_text(
        "platform_other", details.platform_other, label="The platform's name", max_length=100
    )
    if details.platform == Platform.OTHER and not details.platform_other.strip():
        raise ValidationError("platform_other", "Say which platform it was.")
    if details.platform != Platform.OTHER and details.platform_other:
        raise ValidationError(
            "platform_other", "Only name another platform when the platform is “Other”."
        )
    check_url("url", details.url)
    check_text("account_handle", details.account_handle, label="The account", max_length=200)
    check_aware("seen_at", details.seen_at, label="The date seen")
    if details.seen_at is None:
        raise ValidationError("seen_at", "Say when the post was seen.")
    check_aware("happened_at", details.happened_at, label="The date posted")
    check_aware("reported_at", details.reported_at, label="The date reported")
    if details.happened_at is not None:
        if details.seen_at < details.happened_at:
            raise ValidationError("seen_at", "The post can't have been seen before it was made.")
        if details.reported_at is not None and details.reported_at < details.happened_at:
            raise ValidationError(
                "reported_at", "The post can't have been reported before it was made."
            )
    if details.reported_by_id is not None:
        reporter = session.get(Person, details.reported_by_id)
        if reporter is None or reporter.withdrawn_at is not None:
            raise ValidationError("reported_by_id", "Choose who reported it from the directory.")
    check_aware("parent_informed_at", details.parent_informed_at, label="When the parent was told")
    check_text(
        "parent_not_informed_reason",
        details.parent_not_informed_reason,
        label="The reason",
        max_length=2_000,
        multiline=True,
    )
    if details.parent_informed is not True and details.parent_informed_at is not None:
        raise ValidationError(
            "parent_informed_at", "Only give a date when the parent has been informed."
        )
    check_text(
        "parent_informed_by",
        details.parent_informed_by,
        label="Who told the parent",
        max_length=200,
    )
    if details.parent_informed is not True and details.parent_informed_by.strip():
        raise ValidationError(
            "parent_informed_by", "Only say who told the parent when the parent has been informed."
        )
    if details.parent_informed is False and not details.parent_not_informed_reason.strip():
        raise ValidationError(
            "parent_not_informed_reason", "Say why the parent has not been informed."
        )
    check_text(
        "outcome_rationale",
        details.outcome_rationale,
        label="The rationale",
        max_length=SUMMARY_MAX,
        multiline=True,
    )
    if details.case_manager_id is not None:
        if not details.dsl_only:
            raise ValidationError(
                "case_manager_id",
                "A case manager is named only for a restricted incident: tick “Restricted” "
                "or leave the case manager blank.",
            )
        manager = session.get(User, details.case_manager_id)
        if manager is None or not manager.is_active or manager.role not in CASE_MANAGER_ROLES:
            raise ValidationError(
                "case_manager_id",
                "The case manager must be an active headteacher's or chair of governors' "
                "account (Settings → Accounts).",
            )
    if status == IncidentStatus.CLOSED:
        if details.outcome is None:
            raise ValidationError("outcome", "Choose the outcome before closing the incident.")
        if not details.outcome_rationale.strip():
            raise ValidationError(
                "outcome_rationale", "Explain the outcome before closing the incident."
            )


@requires(Permission.RECORD_INCIDENT)
def create_incident(
    session: Session,
    actor: User,
    details: IncidentDetails,
    *,
    decisions: CloseDecisions | None = None,
) -> Incident:
    """Record a new incident with the next reference number for the year it was seen."""
    validate_details(session, details)
    _check_dsl_only(actor, details, None)
    with atomic(session):
        year = details.seen_at.astimezone(LONDON).year
        incident = Incident(reference=next_reference(session, year), created_by_id=actor.id)
        _apply(incident, details)
        if details.status == IncidentStatus.CLOSED:
            incident.closed_at = utc_now()
        session.add(incident)
        session.flush()
        _set_categories(session, actor, incident, details.categories)
        record(
            session,
            actor,
            incident,
            ChronologyKind.CREATED,
            f"Incident {incident.reference} recorded.",
        )
        if details.status == IncidentStatus.CLOSED:
            check_and_record_closing(session, actor, incident, decisions or CloseDecisions())
        search_index.refresh(session, [incident.id])
    return incident


@requires(Permission.EDIT_INCIDENT, incident="incident_id")
def update_incident(
    session: Session,
    actor: User,
    incident_id: int,
    details: IncidentDetails,
    *,
    expected_version: int,
    decisions: CloseDecisions | None = None,
) -> Incident:
    """Save the form: each changed field is listed in one chronology entry. Closing may
    raise DecisionNeeded until `decisions` carries the reasons asked for."""
    validate_details(session, details)
    with atomic(session):
        incident = get_incident(session, incident_id)
        if incident.withdrawn_at is not None:
            raise Conflict("This incident has been withdrawn and can't be changed.")
        if incident.version != expected_version:
            raise Conflict(
                "Someone else saved this incident while you were editing. Your changes are "
                "still in the form: copy them, reopen the incident and enter them again."
            )
        _check_dsl_only(actor, details, incident)
        if Category.NUDE_IMAGE in details.categories - incident.category_set:
            _refuse_nude_image_with_files(session, incident)
        changes = describe_changes(session, incident, details)
        if not changes:
            return incident
        old_status = incident.status
        _apply(incident, details)
        _set_categories(session, actor, incident, details.categories)
        search_index.refresh(session, [incident.id])
        if details.status == IncidentStatus.CLOSED and old_status != IncidentStatus.CLOSED:
            incident.closed_at = utc_now()
        elif details.status != IncidentStatus.CLOSED:
            incident.closed_at = None
        incident.updated_by_id = actor.id
        # Set explicitly: a change to the categories alone touches only their rows, and
        # the incident row must still move on (its version guards against lost updates).
        incident.updated_at = utc_now()
        session.flush()
        if details.status == IncidentStatus.CLOSED and old_status != IncidentStatus.CLOSED:
            check_and_record_closing(session, actor, incident, decisions or CloseDecisions())
        if old_status != details.status:
            record(
                session,
                actor,
                incident,
                ChronologyKind.STATUS_CHANGED,
                f"Status changed from {old_status.label} to {details.status.label}.",
            )
            changes = [c for c in changes if not c.startswith("Status:")]
        if changes:
            record(
                session,
                actor,
                incident,
                ChronologyKind.UPDATED,
                "Changed: " + "; ".join(changes) + ".",
            )
    return incident


@requires(Permission.EDIT_INCIDENT, incident="incident_id")
def withdraw_incident(session: Session, actor: User, incident_id: int, reason: str) -> Incident:
    """Withdraw an incident recorded in error; it stays on record, marked withdrawn."""
    check_text(
        "reason", reason, label="The reason", max_length=2_000, required=True, multiline=True
    )
    with atomic(session):
        incident = get_incident(session, incident_id)
        if incident.withdrawn_at is not None:
            raise Conflict("This incident has already been withdrawn.")
        incident.withdrawn_at = utc_now()
        incident.withdrawn_by_id = actor.id
        incident.withdrawn_reason = reason
        session.flush()
        record(session, actor, incident, ChronologyKind.WITHDRAWN, f"Withdrawn: {reason}")
    return incident


@requires(Permission.READ_INCIDENTS)
def get_incident_by_reference(session: Session, reference: str) -> Incident:
    """An incident by its reference, e.g. SM-2026-0042 (case and spaces forgiven)."""
    wanted = reference.strip().upper()
    incident = session.scalars(select(Incident).where(Incident.reference == wanted)).first()
    if incident is None or not may_see(session, incident):
        raise NotFound(f"There is no incident {wanted}.")  # the same for one you may not see
    return incident


def details_of(incident: Incident) -> IncidentDetails:
    """The form's view of a stored incident (the starting point for an edit)."""
    values = {
        f.name: getattr(incident, f.name) for f in fields(IncidentDetails) if f.name != "categories"
    }
    return IncidentDetails(categories=frozenset(incident.category_set), **values)


def describe_changes(session: Session, incident: Incident, details: IncidentDetails) -> list[str]:
    """Human lines naming each field that `details` would change."""
    changes = []
    for f in fields(IncidentDetails):
        old = incident.category_set if f.name == "categories" else getattr(incident, f.name)
        new = getattr(details, f.name)
        if old != new and f.name == "reported_by_id":
            old, new = _person_name(session, old), _person_name(session, new)
        if old != new and f.name == "case_manager_id":
            old, new = _account_name(session, old), _account_name(session, new)
        if old != new:
            changes.append(f"{_FIELD_LABELS[f.name]}: {_show(f.name, old)} → {_show(f.name, new)}")
    return changes


def _account_name(session: Session, user_id: object) -> str:
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    return f"{user.display_name} ({user.role.label})" if user is not None else ""


def _person_name(session: Session, person_id: object) -> str:
    person = session.get(Person, person_id) if isinstance(person_id, int) else None
    return person.full_name if person is not None else ""


TEXT_FIELDS = frozenset({"summary", "outcome_rationale", "parent_not_informed_reason"})


def _show(name: str, value: object) -> str:
    if value is None or value == "":
        return "(blank)"
    if name in TEXT_FIELDS:
        # The whole text, old and new: the first account is evidence, and the incident
        # row keeps only the latest.
        return f"“{value}”"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(c.label for c in value))
    label = getattr(value, "label", None)
    return str(label if label is not None else value)


def _check_prejudice(details: IncidentDetails) -> None:
    if details.prejudice_type is not None:
        check_choice("prejudice_type", PrejudiceType, details.prejudice_type, label="The type")
    prejudice = Category.PREJUDICE_BASED in details.categories
    if prejudice and details.prejudice_type is None:
        raise ValidationError(
            "prejudice_type",
            "Choose the type of prejudice (racist, religious, homophobic, transphobic, "
            "disability or sexist).",
        )
    if not prejudice and details.prejudice_type is not None:
        raise ValidationError(
            "prejudice_type", "Only choose a type of prejudice for a prejudice-based incident."
        )


def _refuse_nude_image_with_files(session: Session, incident: Incident) -> None:
    """A nude or semi-nude image must never be stored, so the category can't be added while
    the incident still holds a file: the DSL destroys each one first (a deliberate act,
    recorded with its reason), rather than Footprint erasing evidence as a side effect."""
    stored = session.scalars(
        select(Evidence.original_filename).where(
            Evidence.incident_id == incident.id,
            Evidence.kind == EvidenceKind.FILE,
            Evidence.withdrawn_at.is_(None),
            Evidence.content_destroyed_at.is_(None),
        )
    ).all()
    if stored:
        names = ", ".join(name or "pasted image" for name in stored)
        raise ValidationError(
            "categories",
            f"This incident still holds {len(stored)} stored file"
            f"{'s' if len(stored) != 1 else ''} ({names}). {NUDE_IMAGE_RULE} Destroy the "
            "stored files on the Evidence tab first, then tick “"
            f"{Category.NUDE_IMAGE.label}”.",
        )


def _check_dsl_only(actor: User, details: IncidentDetails, incident: Incident | None) -> None:
    """Only the DSL and deputies restrict an incident and name its case manager."""
    current = (incident.dsl_only, incident.case_manager_id) if incident else (False, None)
    if (details.dsl_only, details.case_manager_id) != current and actor.role not in DSL_TEAM:
        raise NotAllowed(
            "Only the DSL and deputies can restrict an incident or name its case manager."
        )


def _apply(incident: Incident, details: IncidentDetails) -> None:
    for f in fields(IncidentDetails):
        if f.name != "categories":
            setattr(incident, f.name, getattr(details, f.name))


def _set_categories(
    session: Session, actor: User, incident: Incident, wanted: Iterable[Category]
) -> None:
    wanted_set = {Category(c) for c in wanted}
    current = {row.category: row for row in incident.categories}
    for category, row in current.items():
        if category not in wanted_set:
            incident.categories.remove(row)
    for category in sorted(wanted_set - set(current)):
        incident.categories.append(IncidentCategory(category=category, created_by_id=actor.id))
    session.flush()
