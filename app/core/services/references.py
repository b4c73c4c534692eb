"""Incident reference numbers (SM-YYYY-NNNN), unique even with two writers at once."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.core.models import ReferenceCounter

PREFIX = "SM"


def format_reference(year: int, number: int) -> str:
    """SM-2026-0042 (the number grows past four digits if a year ever needs it)."""
    return f"{PREFIX}-{year}-{number:04d}"


def next_reference(session: Session, year: int) -> str:
    """Take the next number for `year`: an atomic increment of one counter row, so two
    writers (two office PCs on PostgreSQL, or two windows on SQLite) never share a number."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(ReferenceCounter)
        .values(year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    number = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    ).scalar_one()
    return format_reference(year, number)
