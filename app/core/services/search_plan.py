"""Choosing how a search's page is fetched on SQLite, by how many incidents match.

A word typed at the first keystroke ("s", "w") matches most of the log, and fetching
every match to sort it for a page of 200 rows is what made the first keystrokes slow
(150 ms for "s" at 100,000 incidents). A page sorted by an indexed column can instead
walk that index from the top and keep the rows that match, which costs ~200 / (share
of the log that matches) rows. A cheap count that stops early tells the cases apart;
nothing is cached, so a plan never shows stale rows (each only changes *how* SQLite
finds the same rows, which the query then sorts the same way).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import True_

from app.core.folding import search_words
from app.core.models import Incident
from app.core.services.search_index import SearchPlan, fts_match, sqlite_index

if TYPE_CHECKING:
    from app.core.services.incident_queries import IncidentFilter

__all__ = ["choose_plan", "plan_for", "reference_plan", "walk_may_pay"]

#: Measured on the 100,000-incident bench log: fetching the matches and sorting them
#: costs ~4 µs a match; walking the sort index keeping ids in the match set ~0.25 µs a
#: match (building the set) plus ~0.2 µs a row walked; checking each walked row's own
#: document ~4 µs a row walked. With n incidents, fewer than WALK_FROM · √n matches are
#: sorted and from CHECK_FROM · √n on each walked row is checked, where those costs
#: cross (1,000 and 19,000 matches at 100,000 incidents; 3,200 and 60,000 at 1M).
WALK_FROM = 3.2
CHECK_FROM = 60.0
#: A reference range is checked on each walked row for almost nothing (the row is read
#: anyway) but sorting its matches is cheap too (~1 µs each): walk from 16 · √n.
REFERENCE_WALK_FROM = 16.0


def walk_may_pay(session: Session, flt: IncidentFilter, visible: ColumnElement[bool]) -> bool:
    """Whether walking the sort index can pay: on SQLite, for a search with no other
    filter that could make the matches rare among the rows walked (a date range can't:
    the walk starts and stops at its ends)."""
    narrowed = (
        flt.statuses
        or flt.categories
        or flt.platforms
        or flt.severities
        or flt.person_id is not None
        or flt.safeguarding_only
        or flt.open_only
        or flt.overdue_only
        or not isinstance(visible, True_)  # office staff see only their own
    )
    return bool(flt.text.strip()) and not narrowed and session.get_bind().dialect.name == "sqlite"


def choose_plan(matches: int, incidents: int, *, walk_from: float = WALK_FROM) -> SearchPlan:
    """The cheapest plan for `matches` (counted up to `_probe_limit`) among `incidents`."""
    root = math.sqrt(max(incidents, 1))
    if matches >= CHECK_FROM * root:
        return SearchPlan.CHECK
    return SearchPlan.WALK if matches >= walk_from * root else SearchPlan.SORT


def plan_for(session: Session, query: str) -> SearchPlan:
    """The plan for a full-text search: the index's matches are counted only as far as
    they can change the choice (at most ~3 ms, at 1M incidents)."""
    words = search_words(query)
    if not words:
        return SearchPlan.SORT
    size = _log_size(session)
    some = select(sqlite_index.c.rowid).where(fts_match(words)).limit(_probe_limit(size))
    return choose_plan(_count(session, some), size)


def reference_plan(session: Session, reference: str) -> SearchPlan:
    """The plan for a reference range ("SM-2026-0"), counted on the reference's index."""
    size = _log_size(session)
    limit = math.ceil(REFERENCE_WALK_FROM * math.sqrt(max(size, 1)))
    some = (
        select(Incident.id)
        .where(Incident.reference >= reference, Incident.reference < reference + "~")
        .limit(limit)
    )
    return choose_plan(_count(session, some), size, walk_from=REFERENCE_WALK_FROM)


def _probe_limit(incidents: int) -> int:
    """Past this many matches the plan no longer changes."""
    return math.ceil(CHECK_FROM * math.sqrt(max(incidents, 1)))


def _count(session: Session, some: object) -> int:
    matches: int = session.execute(
        select(func.count()).select_from(some.subquery())  # type: ignore[attr-defined]
    ).scalar_one()
    return matches


def _log_size(session: Session) -> int:
    """About how many incidents the log holds (the highest id: one index lookup)."""
    size: int | None = session.execute(select(func.max(Incident.id))).scalar_one()
    return size or 0
