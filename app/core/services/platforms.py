"""Each platform's minimum age, as data the school can correct (Settings → Letters): the
underage-use letter states the age for the platform named, or none where the platform has
no single minimum age. Minimum ages change (WhatsApp lowered its UK minimum from 16 to 13
in 2024), so the school's own entry always wins over Footprint's default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import ValidationError
from app.core.models import PlatformMinimumAge, User
from app.core.permissions import Permission, requires
from app.core.services.validation import atomic, check_text
from app.core.vocab import Platform

#: Footprint's defaults: the minimum age each platform's terms set for UK users, or None
#: where there is no single minimum age. The school checks and corrects them.
DEFAULT_MINIMUM_AGES: dict[Platform, tuple[int | None, str]] = {
    Platform.FACEBOOK: (13, ""),
    Platform.INSTAGRAM: (13, ""),
    Platform.WHATSAPP: (13, "13 in the UK since 2024 (it was 16)."),
    Platform.TIKTOK: (13, ""),
    Platform.SNAPCHAT: (13, ""),
    Platform.X: (13, ""),
    Platform.YOUTUBE: (13, "Younger children: YouTube Kids or a supervised account."),
    Platform.MUMSNET: (None, "Check Mumsnet's own terms before stating an age."),
    Platform.DISCORD: (13, ""),
    Platform.ROBLOX: (None, "No single minimum age: Roblox sets its own rules by age."),
    Platform.OTHER: (None, "Platforms not listed: no age is stated."),
}


@dataclass(frozen=True)
class PlatformAge:
    """A platform's minimum age as letters use it."""

    platform: Platform
    minimum_age: int | None
    note: str
    customised: bool


def minimum_ages(session: Session) -> list[PlatformAge]:
    """Every platform with the minimum age in use (the school's, else the default)."""
    saved = {row.platform: row for row in session.scalars(select(PlatformMinimumAge))}
    rows = []
    for platform in Platform:
        row = saved.get(platform)
        if row is not None:
            rows.append(PlatformAge(platform, row.minimum_age, row.note, True))
        else:
            age, note = DEFAULT_MINIMUM_AGES.get(platform, (None, ""))
            rows.append(PlatformAge(platform, age, note, False))
    return rows


def minimum_age(session: Session, platform: Platform) -> int | None:
    """The minimum age in use for one platform; None where no age should be stated."""
    if platform is Platform.OTHER:
        return None  # a platform typed by hand: Footprint can't know its rules
    row = session.scalars(
        select(PlatformMinimumAge).where(PlatformMinimumAge.platform == platform)
    ).first()
    if row is not None:
        return row.minimum_age
    return DEFAULT_MINIMUM_AGES.get(platform, (None, ""))[0]


@requires(Permission.SETTINGS)
def save_minimum_ages(
    session: Session, actor: User, ages: Mapping[Platform, tuple[int | None, str]]
) -> list[PlatformAge]:
    """The school's corrections: an age from 0 to 21, or None for "no single minimum
    age" (letters then state none). A platform left as its default is not stored."""
    for platform, (age, note) in ages.items():
        if platform not in Platform:
            raise ValidationError("platform", f"“{platform}” is not a platform Footprint knows.")
        if age is not None and (not isinstance(age, int) or not 0 <= age <= 21):
            raise ValidationError(
                "minimum_age", f"{Platform(platform).label}: a minimum age is between 0 and 21."
            )
        check_text("note", note, label="The note", max_length=300)
    with atomic(session):
        saved = {row.platform: row for row in session.scalars(select(PlatformMinimumAge))}
        for platform, (age, note) in ages.items():
            platform = Platform(platform)
            row = saved.get(platform)
            if row is None:
                if (age, note.strip()) == DEFAULT_MINIMUM_AGES.get(platform, (None, "")):
                    continue
                session.add(
                    PlatformMinimumAge(
                        platform=platform,
                        minimum_age=age,
                        note=note.strip(),
                        created_by_id=actor.id,
                    )
                )
            elif (row.minimum_age, row.note) != (age, note.strip()):
                row.minimum_age = age
                row.note = note.strip()
                row.updated_by_id = actor.id
        session.flush()
    return minimum_ages(session)
