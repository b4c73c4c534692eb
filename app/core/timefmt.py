"""British display of dates and times: stored in UTC, shown in Europe/London as DD/MM/YYYY."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.core.clock import LONDON
from app.core.errors import ValidationError


def to_london(moment: datetime) -> datetime:
    """An aware UTC datetime as the school's local time."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: Footprint keeps every time timezone-aware")
    return moment.astimezone(LONDON)


def format_date(value: date | datetime | None) -> str:
    """DD/MM/YYYY (a datetime is converted to London time first); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """DD/MM/YYYY HH:MM in London time; empty for None."""
    if value is None:
        return ""
    return to_london(value).strftime("%d/%m/%Y %H:%M")


def parse_date(text: str, field: str = "date") -> date:
    """Read DD/MM/YYYY (also D/M/YYYY); a wrong date raises ValidationError for `field`."""
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValidationError(
            field, f"“{text}” is not a date: write it as DD/MM/YYYY, e.g. 05/11/2026."
        ) from None


def london_to_utc(local: datetime) -> datetime:
    """A naive wall-clock time at the school as an aware UTC datetime."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=LONDON).astimezone(UTC)
