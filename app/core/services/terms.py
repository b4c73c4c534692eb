"""Term dates: a setting shared by the school-day deadlines and the governors' report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import today_london
from app.core.errors import NotFound, ValidationError
from app.core.models import SchoolTerm, User
from app.core.permissions import Permission, requires
from app.core.rules.school_days import SchoolCalendar, Term, academic_year_of
from app.core.rules.term_defaults import default_terms
from app.core.services.validation import atomic
from app.core.vocab import TermName


def _term(row: SchoolTerm) -> Term:
    return Term(
        row.academic_year,
        row.name,
        row.starts_on,
        row.ends_on,
        row.half_term_starts_on,
        row.half_term_ends_on,
    )


def list_terms(session: Session) -> list[Term]:
    """Every term entered, in date order."""
    rows = session.scalars(select(SchoolTerm).order_by(SchoolTerm.starts_on))
    return [_term(row) for row in rows]


def school_calendar(session: Session) -> SchoolCalendar:
    """The calendar deadlines are counted on."""
    return SchoolCalendar(list_terms(session))


def ensure_default_terms(session: Session, actor: User, *, around: date | None = None) -> int:
    """Give the previous, current and next academic years the usual term dates if the
    school has not entered them; never touches a year that has any term. Returns how many
    terms were added."""
    year = academic_year_of(around or today_london())
    present = set(session.scalars(select(SchoolTerm.academic_year).distinct()))
    added = 0
    for academic_year in (year - 1, year, year + 1):
        if academic_year in present:
            continue
        for term in default_terms(academic_year):
            session.add(
                SchoolTerm(
                    academic_year=term.academic_year,
                    name=term.name,
                    starts_on=term.starts_on,
                    ends_on=term.ends_on,
                    half_term_starts_on=term.half_term_starts_on,
                    half_term_ends_on=term.half_term_ends_on,
                    created_by_id=actor.id,
                )
            )
            added += 1
    session.flush()
    return added


def term_by_key(session: Session, key: str) -> Term:
    """A term by its key, e.g. "2026-autumn"."""
    year_text, _, name = key.strip().lower().partition("-")
    try:
        academic_year, term_name = int(year_text), TermName(name)
    except ValueError:
        raise NotFound(
            f"“{key}” is not a term: write it like 2026-autumn or 2026-spring."
        ) from None
    row = session.scalars(
        select(SchoolTerm).where(
            SchoolTerm.academic_year == academic_year, SchoolTerm.name == term_name
        )
    ).first()
    if row is None:
        raise NotFound(
            f"There are no dates for the {term_name.label.lower()} term of "
            f"{academic_year}–{str(academic_year + 1)[2:]}: add them in Settings."
        )
    return _term(row)


@requires(Permission.SETTINGS)
def save_term(
    session: Session,
    actor: User,
    academic_year: int,
    name: TermName,
    *,
    starts_on: date,
    ends_on: date,
    half_term_starts_on: date | None,
    half_term_ends_on: date | None,
) -> Term:
    """Set one term's dates (the school's own, replacing the defaults)."""
    if ends_on <= starts_on:
        raise ValidationError("ends_on", "The term must end after it starts.")
    if (half_term_starts_on is None) != (half_term_ends_on is None):
        raise ValidationError("half_term_ends_on", "Give both half-term dates, or neither.")
    if half_term_starts_on is not None and half_term_ends_on is not None:
        if half_term_ends_on < half_term_starts_on:
            raise ValidationError("half_term_ends_on", "Half term must end after it starts.")
        if not (starts_on < half_term_starts_on and half_term_ends_on < ends_on):
            raise ValidationError("half_term_starts_on", "Half term must fall inside the term.")
    with atomic(session):
        rows = session.scalars(select(SchoolTerm)).all()
        for other in rows:
            if (other.academic_year, other.name) == (academic_year, name):
                continue
            if other.starts_on <= ends_on and starts_on <= other.ends_on:
                raise ValidationError(
                    "starts_on", f"Those dates overlap the {_term(other).title.lower()}."
                )
        row = next((r for r in rows if (r.academic_year, r.name) == (academic_year, name)), None)
        if row is None:
            row = SchoolTerm(
                academic_year=academic_year,
                name=name,
                created_by_id=actor.id,
                starts_on=starts_on,
                ends_on=ends_on,
            )
            session.add(row)
        row.starts_on, row.ends_on = starts_on, ends_on
        row.half_term_starts_on, row.half_term_ends_on = half_term_starts_on, half_term_ends_on
        session.flush()
    return _term(row)
