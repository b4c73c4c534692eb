"""Checks shared by the services; each failure is a ValidationError naming the field."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.core.clock import today_london, utc_now
from app.core.errors import Conflict, ValidationError

E = TypeVar("E", bound=StrEnum)

#: How far ahead of the clock a time may be (PCs' clocks drift a little).
CLOCK_SLACK = timedelta(minutes=5)
_ALLOWED_CONTROLS_MULTILINE = {"\n", "\r", "\t"}


def check_text(
    field: str,
    value: str,
    *,
    label: str,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Return `value` unchanged if it can be stored exactly; raise ValidationError if not."""
    if not isinstance(value, str):
        raise ValidationError(field, f"{label} must be text.")
    if required and not value.strip():
        raise ValidationError(field, f"{label} is required.")
    if len(value) > max_length:
        raise ValidationError(
            field, f"{label} is too long: at most {max_length:,} characters, not {len(value):,}."
        )
    allowed = _ALLOWED_CONTROLS_MULTILINE if multiline else set()
    for position, char in enumerate(value, start=1):
        category = unicodedata.category(char)
        if category == "Cc" and char not in allowed:
            what = "a line break" if char in "\r\n" else "an invisible control character"
            raise ValidationError(
                field, f"{label} contains {what} (at character {position}) that can't be kept."
            )
        if category == "Cs":
            raise ValidationError(
                field, f"{label} contains a broken character (at character {position})."
            )
    return value


def check_choice(field: str, vocabulary: type[E], value: object, *, label: str) -> E:
    """A member of `vocabulary` (given as member or stored value)."""
    try:
        return vocabulary(str(value))
    except ValueError:
        raise ValidationError(field, f"Choose a {label.lower()} from the list.") from None


def check_url(field: str, value: str, *, label: str = "The link") -> str:
    """Empty, or an http(s) address with a host."""
    check_text(field, value, label=label, max_length=2_000)
    if not value:
        return value
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            field, f"{label} must be a web address starting with http:// or https://."
        )
    if any(c.isspace() for c in value.strip()):
        raise ValidationError(field, f"{label} can't contain spaces.")
    return value


def check_email(field: str, value: str) -> str:
    """Empty, or something shaped like an email address."""
    check_text(field, value, label="The email address", max_length=254)
    if value and (
        value.count("@") != 1
        or any(c.isspace() for c in value)
        or "." not in value.rpartition("@")[2]
        or value.startswith("@")
    ):
        raise ValidationError(field, "That doesn't look like an email address (name@example.org).")
    return value


def check_aware(field: str, value: datetime | None, *, label: str) -> datetime | None:
    """A timezone-aware time not in the future."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError(field, f"{label} needs a date and time.")
    if value > utc_now() + CLOCK_SLACK:
        raise ValidationError(field, f"{label} can't be in the future.")
    return value


def check_past_date(field: str, value: date | None, *, label: str) -> date | None:
    """A date that is today or earlier."""
    if value is None:
        return None
    if value > today_london():
        raise ValidationError(field, f"{label} can't be in the future.")
    return value


@contextmanager
def atomic(session: Session) -> Iterator[None]:
    """Run a service's writes in a savepoint: if it fails, none of its writes remain.
    Two office PCs saving the same record at the same moment is a Conflict, said plainly."""
    try:
        with session.begin_nested():
            yield
    except StaleDataError:
        raise Conflict(
            "Someone else saved this record at the same moment, so your changes were not "
            "saved. They are still in the form: reopen the record and enter them again."
        ) from None
    except IntegrityError:
        raise Conflict(
            "Another change was saved at the same moment, so this one was not. Try again."
        ) from None
