"""The school's own settings and its term dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.core.models.base import Base, Created, Updated, VocabType
from app.core.vocab import Platform, TermName


class SchoolSettings(Created, Updated, Base):
    """One row: who the school is, who signs letters, and the rules it has chosen."""

    __tablename__ = "school_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    address: Mapped[str] = mapped_column(default="")
    phone: Mapped[str] = mapped_column(default="")
    email: Mapped[str] = mapped_column(default="")
    website: Mapped[str] = mapped_column(default="")
    headteacher_name: Mapped[str] = mapped_column(default="")
    dsl_names: Mapped[str] = mapped_column(default="")
    complaints_url: Mapped[str] = mapped_column(default="")
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_media_type: Mapped[str | None] = mapped_column(String(40))
    # Who signs letters: the headteacher's name, this title, and an optional signature.
    signatory_title: Mapped[str] = mapped_column(
        default="Headteacher", server_default="Headteacher"
    )
    signature_image: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    deletion_deadline_school_days: Mapped[int] = mapped_column(Integer, default=2)
    # Who else may sign a letter (the headteacher can't sign one about themselves).
    deputy_name: Mapped[str] = mapped_column(default="", server_default="")
    deputy_title: Mapped[str] = mapped_column(
        default="Deputy Headteacher", server_default="Deputy Headteacher"
    )
    chair_of_governors_name: Mapped[str] = mapped_column(default="", server_default="")
    # Working days a second-class letter takes to arrive: a posted request's deadline
    # counts from delivery.
    postal_delivery_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    idle_lock_minutes: Mapped[int] = mapped_column(Integer, default=10)
    # A small school's DSL (or deputy) who is also the headteacher: that account may
    # approve exceptions, and each approval it gives says so.
    dsl_headteacher_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # Retention (app.core.rules.retention): a safeguarding concern is kept until the
    # youngest pupil's date of birth + this many years (IRMS: 25); any other incident
    # this many years after closing.
    retention_safeguarding_years: Mapped[int] = mapped_column(
        Integer, default=25, server_default="25"
    )
    retention_years_after_closing: Mapped[int] = mapped_column(
        Integer, default=6, server_default="6"
    )


class PlatformMinimumAge(Created, Updated, Base):
    """The minimum age a platform's terms set in the UK, as the school has checked it;
    None where the platform has no single minimum age (its own rules apply)."""

    __tablename__ = "platform_minimum_age"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[Platform] = mapped_column(VocabType(Platform), unique=True)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(default="")


class SchoolTerm(Created, Base):
    """One term of an academic year, with its half-term break (used for school days)."""

    __tablename__ = "school_term"
    __table_args__ = (UniqueConstraint("academic_year", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The calendar year the academic year starts in: 2026 means 2026–27.
    academic_year: Mapped[int] = mapped_column(Integer)
    name: Mapped[TermName] = mapped_column(VocabType(TermName))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    half_term_starts_on: Mapped[date | None]
    half_term_ends_on: Mapped[date | None]
