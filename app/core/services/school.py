"""The school's settings: set up on first run, edited in Settings."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound, ValidationError
from app.core.models import SchoolSettings, User
from app.core.services.validation import atomic, check_email, check_text, check_url


@dataclass(frozen=True)
class SchoolDetails:
    """What the school tells Footprint about itself."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    headteacher_name: str = ""
    dsl_names: str = ""
    complaints_url: str = ""
    deletion_deadline_school_days: int = 2


def _validate(details: SchoolDetails) -> None:
    check_text("name", details.name, label="The school's name", max_length=200, required=True)
    check_text("address", details.address, label="The address", max_length=500, multiline=True)
    check_text("phone", details.phone, label="The phone number", max_length=40)
    check_email("email", details.email)
    check_url("website", details.website, label="The website")
    check_text(
        "headteacher_name", details.headteacher_name, label="The headteacher's name", max_length=200
    )
    check_text("dsl_names", details.dsl_names, label="The DSL names", max_length=500)
    check_url("complaints_url", details.complaints_url, label="The complaints procedure link")
    days = details.deletion_deadline_school_days
    if not isinstance(days, int) or not 1 <= days <= 20:
        raise ValidationError(
            "deletion_deadline_school_days", "The deadline must be between 1 and 20 school days."
        )


def find_settings(session: Session) -> SchoolSettings | None:
    """The settings, or None before first-run set-up."""
    return session.scalars(select(SchoolSettings).order_by(SchoolSettings.id).limit(1)).first()


def get_settings(session: Session) -> SchoolSettings:
    """The settings; NotFound before first-run set-up."""
    settings = find_settings(session)
    if settings is None:
        raise NotFound("The school has not been set up yet.")
    return settings


def save_settings(session: Session, actor: User, details: SchoolDetails) -> SchoolSettings:
    """Create or update the school's settings."""
    _validate(details)
    with atomic(session):
        settings = find_settings(session)
        values = {f.name: getattr(details, f.name) for f in fields(details)}
        if settings is None:
            settings = SchoolSettings(created_by_id=actor.id, **values)
            session.add(settings)
        else:
            for key, value in values.items():
                setattr(settings, key, value)
            settings.updated_by_id = actor.id
        session.flush()
    return settings
