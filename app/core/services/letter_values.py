"""What fills a letter: the letterhead from the school's settings, the addressee's name and
address as printed, and every placeholder's value (used by letters and by the previews
in Settings → Letters and the governors' report's letterhead)."""

from __future__ import annotations

from datetime import date, datetime

from app.core.models import (
    Incident,
    Person,
    SchoolSettings,
)
from app.core.timefmt import to_london
from app.core.vocab import (
    Platform,
)
from app.documents.base import Letterhead


def addressee_name(person: Person) -> str:
    """ "Mrs Anna Byrne", or "Anna Byrne" without a title."""
    return " ".join(part for part in (person.title.strip(), person.full_name) if part)


def salutation(person: Person) -> str:
    """ "Dear Mrs Byrne," with a title and family name; otherwise the full name."""
    if person.title.strip() and person.family_name.strip():
        return f"Dear {person.title.strip()} {person.family_name.strip()},"
    return f"Dear {person.full_name},"


def address_lines(person: Person) -> list[str]:
    """The postal address as printed: each line of the address, then the postcode."""
    lines = [line.strip() for line in person.address.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if person.postcode.strip() and person.postcode.strip() not in lines:
        lines.append(person.postcode.strip())
    return lines


def letterhead(settings: SchoolSettings) -> Letterhead:
    """The school's letterhead from its settings."""
    lines = [line.strip() for line in settings.address.replace("\r\n", "\n").split("\n")]
    contacts = [settings.phone, settings.email, settings.website]
    return Letterhead(
        school_name=settings.name,
        address_lines=[line for line in lines if line],
        contact_line=" · ".join(c.strip() for c in contacts if c.strip()),
        logo=settings.logo,
    )


def long_date(value: date | datetime | None) -> str:
    """ "24 November 2026" (a datetime in London time); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value.day} {value:%B %Y}"


def platform_name(incident: Incident) -> str:
    """Where it was posted, as a parent would say it."""
    if incident.platform is Platform.OTHER and incident.platform_other.strip():
        return incident.platform_other.strip()
    return incident.platform.label


def class_of(child: Person) -> str:
    """The pupil's class ("6 Yew"), else their year group ("Year 6", "Reception")."""
    if child.class_name and child.class_name.strip():
        return child.class_name.strip()
    year = (child.year_group or "").strip()
    return {"N": "Nursery", "R": "Reception"}.get(year, f"Year {year}" if year else "")


def school_values(settings: SchoolSettings) -> dict[str, str]:
    """The placeholders the school's settings fill (with wording where one is blank)."""
    return {
        "school_name": settings.name,
        "school_address": ", ".join(letterhead(settings).address_lines),
        "school_phone": settings.phone,
        "school_email": settings.email,
        "complaints_url": settings.complaints_url.strip()
        or "please ask the school office for a copy",
        "headteacher_name": settings.headteacher_name,
        "dsl_names": settings.dsl_names.strip() or "the Designated Safeguarding Lead",
    }


def letter_values(
    settings: SchoolSettings,
    incident: Incident,
    addressee: Person,
    child: Person | None,
    deadline: date | None,
    today: date,
) -> dict[str, str]:
    """Every placeholder's value for one letter (blank where there is nothing to say)."""
    return {
        **school_values(settings),
        "addressee_name": addressee_name(addressee),
        "child_name": child.full_name if child is not None else "",
        "child_class": class_of(child) if child is not None else "",
        "incident_reference": incident.reference,
        "platform": platform_name(incident),
        "date_seen": long_date(incident.seen_at),
        "date_posted": long_date(incident.happened_at),
        "deadline": long_date(deadline),
        "letter_date": long_date(today),
    }
