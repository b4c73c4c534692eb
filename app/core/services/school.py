"""The school's settings: set up on first run, edited in Settings."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound, ValidationError
from app.core.models import SchoolSettings, User
from app.core.permissions import Permission, requires
from app.core.pictures import MAX_LETTER_PICTURE_PIXELS, PictureRefused, check_picture
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
    signatory_title: str = "Headteacher"
    dsl_names: str = ""
    complaints_url: str = ""
    deletion_deadline_school_days: int = 2
    idle_lock_minutes: int = 10
    deputy_name: str = ""
    deputy_title: str = "Deputy Headteacher"
    chair_of_governors_name: str = ""
    postal_delivery_days: int = 3


def _validate(details: SchoolDetails) -> None:
    check_text("name", details.name, label="The school's name", max_length=200, required=True)
    check_text("address", details.address, label="The address", max_length=500, multiline=True)
    check_text("phone", details.phone, label="The phone number", max_length=40)
    check_email("email", details.email)
    check_url("website", details.website, label="The website")
    check_text(
        "headteacher_name", details.headteacher_name, label="The headteacher's name", max_length=200
    )
    check_text(
        "signatory_title", details.signatory_title, label="The signatory's title", max_length=120
    )
    check_text("deputy_name", details.deputy_name, label="The deputy's name", max_length=200)
    check_text("deputy_title", details.deputy_title, label="The deputy's title", max_length=120)
    check_text(
        "chair_of_governors_name",
        details.chair_of_governors_name,
        label="The chair of governors' name",
        max_length=200,
    )
    post_days = details.postal_delivery_days
    if not isinstance(post_days, int) or not 1 <= post_days <= 10:
        raise ValidationError(
            "postal_delivery_days", "A posted letter takes between 1 and 10 working days."
        )
    check_text("dsl_names", details.dsl_names, label="The DSL names", max_length=500)
    check_url("complaints_url", details.complaints_url, label="The complaints procedure link")
    minutes = details.idle_lock_minutes
    if not isinstance(minutes, int) or not 1 <= minutes <= 60:
        raise ValidationError(
            "idle_lock_minutes", "Footprint must lock after between 1 and 60 idle minutes."
        )
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


@requires(Permission.SETTINGS)
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


#: Logos and signatures are small pictures; anything bigger is almost certainly a mistake.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_KINDS = {"logo": "The logo", "signature_image": "The signature"}


def check_image(field: str, data: bytes) -> str:
    """A PNG or JPEG that can be printed; returns its media type."""
    label = IMAGE_KINDS[field]
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(
            field, f"{label} is {len(data) / 1_048_576:.1f} MB; at most 2 MB can be used."
        )
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        media_type = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        media_type = "image/jpeg"
    else:
        raise ValidationError(field, f"{label} must be a PNG, JPEG or SVG picture.")
    try:
        width, height = check_picture(data, media_type, max_pixels=MAX_LETTER_PICTURE_PIXELS)
    except PictureRefused as exc:
        raise ValidationError(field, f"{label} can't be used. {exc}") from None
    if width < 1 or height < 1:
        raise ValidationError(field, f"{label} has no picture in it.")
    return media_type


@requires(Permission.SETTINGS)
def set_image(session: Session, actor: User, field: str, data: bytes | None) -> SchoolSettings:
    """Set or clear the letterhead logo ("logo") or the signature ("signature_image")."""
    if field not in IMAGE_KINDS:
        raise ValueError(field)
    media_type = check_image(field, data) if data else None
    with atomic(session):
        settings = get_settings(session)
        setattr(settings, field, data or None)
        if field == "logo":
            settings.logo_media_type = media_type
        settings.updated_by_id = actor.id
        session.flush()
    return settings
