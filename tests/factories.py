"""Small builders for tests: valid details with sensible defaults, overridable by keyword."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.core.clock import utc_now
from app.core.models import Incident, Person, User
from app.core.services.accounts import add_account
from app.core.services.incidents import IncidentDetails, create_incident
from app.core.services.people import PersonDetails, create_person
from app.core.vocab import Category, PersonKind, Platform, Severity, UserRole


def person_details(**overrides: Any) -> PersonDetails:
    """A parent/carer unless told otherwise."""
    base = PersonDetails(kind=PersonKind.PARENT, given_name="Siobhán", family_name="O'Neill")
    return replace(base, **overrides)


def incident_details(**overrides: Any) -> IncidentDetails:
    """A new, valid incident seen an hour ago."""
    seen = utc_now() - timedelta(hours=1)
    base = IncidentDetails(
        seen_at=seen,
        happened_at=seen - timedelta(hours=2),
        platform=Platform.FACEBOOK,
        summary="A parent posted a complaint about the school trip in a public group.",
        severity=Severity.MEDIUM,
        categories=frozenset({Category.COMPLAINT_SHARED}),
    )
    return replace(base, **overrides)


def make_person(session: Session, actor: User, **overrides: Any) -> Person:
    """Create a person through the service."""
    return create_person(session, actor, person_details(**overrides))


def make_incident(session: Session, actor: User, **overrides: Any) -> Incident:
    """Create an incident through the service."""
    return create_incident(session, actor, incident_details(**overrides))


def make_account(
    session: Session, actor: User, role: UserRole, username: str, name: str = ""
) -> User:
    """An account in a role (made by the DSL `actor`), ready to use: no forced change."""
    user = add_account(
        session, actor, name or username.title(), username, role, "temporary harbour 42"
    )
    user.must_change_password = False
    session.flush()
    return user
