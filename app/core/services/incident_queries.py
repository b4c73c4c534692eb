"""Reading incidents for lists: filters, sorting and paging all happen in SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, case, exists, false, func, literal, select, tuple_
from sqlalchemy.orm import Session

from app.core.clock import LONDON, today_london
from app.core.id_lists import among
from app.core.models import Incident, IncidentCategory, Involvement, Person
from app.core.permissions import Permission, requires, visible_incidents
from app.core.services import search_index, search_plan
from app.core.services.due import next_action_due_expr, overdue_condition, page_due
from app.core.services.search_index import SearchPlan
from app.core.vocab import (
    SEVERITY_RANK,
    STATUS_RANK,
    Category,
    IncidentStatus,
    InvolvementRole,
    Platform,
    Severity,
)

#: A select of any columns (`matching` narrows it whatever it selects).
AnySelect: TypeAlias = "Select[*tuple[Any, ...]]"


class IncidentSort(StrEnum):
    """Columns the incident list can be sorted by."""

    REFERENCE = "reference"
    SEEN_AT = "seen_at"
    PLATFORM = "platform"
    CATEGORIES = "categories"
    POSTER = "poster"
    TARGETS = "targets"
    SEVERITY = "severity"
    STATUS = "status"
    NEXT_ACTION_DUE = "next_action_due"


@dataclass(frozen=True)
class IncidentFilter:
    """What the incident list is narrowed to; empty means everything not withdrawn."""

    statuses: frozenset[IncidentStatus] = frozenset()
    categories: frozenset[Category] = frozenset()
    platforms: frozenset[Platform] = frozenset()
    severities: frozenset[Severity] = frozenset()
    seen_from: date | None = None
    seen_to: date | None = None
    person_id: int | None = None
    safeguarding_only: bool = False
    open_only: bool = False
    overdue_only: bool = False
    text: str = ""
    include_withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One line of the incident list (plain data: the table model holds no session)."""

    id: int
    reference: str
    seen_at: datetime
    platform: Platform
    platform_other: str
    severity: Severity
    status: IncidentStatus
    safeguarding_concern: bool
    #: Category values (plain strings compare equal to the Category members).
    categories: tuple[str, ...] = ()
    posters: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    withdrawn: bool = False
    next_action_due: date | None = None
    #: By the one rule for "overdue" (services/due.py), as the filter and dashboard use.
    overdue: bool = False
    #: Where a page after (or, the other way, before) this row starts (`find_incidents`).
    cursor: PageCursor | None = None


@dataclass(frozen=True, slots=True)
class PageCursor:
    """The sort value and id of the last row shown: the next page starts after it."""

    value: Any
    id: int


#: Sorts an index serves in order (an index on the column holds the id too): a search
#: sorted by one may walk that index instead of sorting its matches (`SearchPlan`).
_INDEXED_SORTS = frozenset({IncidentSort.SEEN_AT, IncidentSort.REFERENCE, IncidentSort.PLATFORM})


def _filtered(
    session: Session, query: Select[Any], flt: IncidentFilter, *, walk: bool = False
) -> Select[Any]:
    """`query` narrowed to `flt`. With `walk` (a page sorted by an indexed column), a
    search matching much of the log is written so SQLite walks the sort index from the
    top rather than sorting every match: the same rows, fetched the cheaper way."""
    visible = visible_incidents(session)
    walk = walk and search_plan.walk_may_pay(session, flt, visible)
    query = query.where(visible)
    if not flt.include_withdrawn:
        query = query.where(Incident.withdrawn_at.is_(None))
    if flt.statuses:
        query = query.where(Incident.status.in_(sorted(flt.statuses)))
    if flt.open_only:
        query = query.where(Incident.status != IncidentStatus.CLOSED)
    if flt.platforms:
        query = query.where(Incident.platform.in_(sorted(flt.platforms)))
    if flt.severities:
        query = query.where(Incident.severity.in_(sorted(flt.severities)))
    if flt.overdue_only:
        query = query.where(overdue_condition(today_london()))
    if flt.safeguarding_only:
        query = query.where(Incident.safeguarding_concern.is_(True))
    if flt.seen_from is not None:
        query = query.where(Incident.seen_at >= _london_midnight(flt.seen_from))
    if flt.seen_to is not None:
        query = query.where(Incident.seen_at < _london_midnight(flt.seen_to + timedelta(days=1)))
    if flt.categories:
        query = query.where(
            exists().where(
                IncidentCategory.incident_id == Incident.id,
                IncidentCategory.category.in_(sorted(flt.categories)),
            )
        )
    if flt.person_id is not None:
        query = query.where(
            exists().where(
                Involvement.incident_id == Incident.id,
                Involvement.person_id == flt.person_id,
                Involvement.withdrawn_at.is_(None),
            )
        )
    if reference := reference_prefix(flt.text):
        # Typing a reference: its own unique index answers at every keystroke, where
        # "SM", "2026"… would match nearly every incident in the full-text index.
        # A range, not LIKE, so the index serves on SQLite (whose LIKE ignores case).
        ref: ColumnElement[str] = Incident.reference.expression
        if walk and search_plan.reference_plan(session, reference) is not SearchPlan.SORT:
            # "SM-2" is nearly every incident: an expression is no index key, so SQLite
            # walks the sort index and checks each row's reference as it passes.
            ref = Incident.reference + ""
        query = query.where(ref >= reference, ref < reference + "~")
    elif flt.text.strip():
        plan = SearchPlan.SORT
        if walk:
            plan = search_plan.plan_for(session, flt.text)
        condition = search_index.matching_ids(session, flt.text, plan)
        if condition is None:  # only punctuation typed: nothing can match
            return query.where(false())
        query = query.where(condition)
    return query


@requires(Permission.READ_INCIDENTS)
def matching(session: Session, query: AnySelect, flt: IncidentFilter) -> AnySelect:
    """`query` narrowed to what the incident list shows for `flt`: the same filters, and
    only what the acting user may see (an export of the list runs its own query)."""
    return _filtered(session, query, flt)


def sort_expression(sort: IncidentSort) -> ColumnElement[Any]:
    """What the list sorts by for `sort` (ties are broken by id), for an export in the
    list's order."""
    return _sort_key(sort)


_REFERENCE = re.compile(r"\s*sm(?:-\d{0,4}(?:-\d{0,6})?)?\s*", re.IGNORECASE)


def reference_prefix(text: str) -> str | None:
    """ "sm-2026-00" → "SM-2026-00" when the text is the start of a reference, else None."""
    match = _REFERENCE.fullmatch(text)
    return match.group(0).strip().upper() if match else None


@requires(Permission.READ_INCIDENTS)
def count_incidents(
    session: Session, flt: IncidentFilter | None = None, *, cap: int | None = None
) -> int:
    """How many incidents match; with `cap`, counting stops at cap + 1 (so "more than
    cap" costs the same however many match: a search for "s" matches nearly all)."""
    flt = flt or IncidentFilter()
    if cap is None:
        query = _filtered(session, select(func.count(Incident.id)), flt)
    else:
        matches = _filtered(session, select(Incident.id), flt).limit(cap + 1).subquery()
        query = select(func.count()).select_from(matches)
    count: int = session.execute(query).scalar_one()
    return count


@requires(Permission.READ_INCIDENTS)
def find_incidents(
    session: Session,
    flt: IncidentFilter | None = None,
    *,
    sort: IncidentSort = IncidentSort.SEEN_AT,
    descending: bool = True,
    limit: int = 100,
    after: PageCursor | None = None,
    offset: int = 0,
) -> list[IncidentRow]:
    """One page of matching incidents, sorted in SQL (ties broken by id), with categories,
    names and the next action due attached. Pass the last row's `cursor` as `after` for
    the next page (keyset paging: every page costs the same, however far down)."""
    key = _sort_key(sort)
    order = [key.desc(), Incident.id.desc()] if descending else [key.asc(), Incident.id.asc()]
    walk = sort in _INDEXED_SORTS
    query = _filtered(session, select(Incident.id, key), flt or IncidentFilter(), walk=walk)
    if after is not None:
        later = tuple_(key, Incident.id)
        bound = tuple_(literal(after.value, type_=key.type), literal(after.id))
        query = query.where(later < bound if descending else later > bound)
    page = session.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    # Every row carries its cursor: the list holds a bounded window of rows and may page
    # on from either end of it, in either direction.
    cursors = {incident_id: PageCursor(value, incident_id) for incident_id, value in page}
    return rows_for_ids(session, [r[0] for r in page], cursors=cursors)


@requires(Permission.READ_INCIDENTS)
def rows_for_ids(
    session: Session, ids: list[int], *, cursors: dict[int, PageCursor] | None = None
) -> list[IncidentRow]:
    """List rows for these incidents, in the given order (a few queries for the page);
    only those the acting user may see."""
    if not ids:
        return []
    dialect = session.get_bind().dialect.name
    # Visibility and the row's own columns in one query; then only those ids, in order.
    incidents = {
        r.id: r
        for r in session.execute(
            select(
                Incident.id,
                Incident.reference,
                Incident.seen_at,
                Incident.platform,
                Incident.platform_other,
                Incident.severity,
                Incident.status,
                Incident.safeguarding_concern,
                Incident.withdrawn_at,
            ).where(among(Incident.id, ids, dialect), visible_incidents(session))
        )
    }
    ids = [i for i in ids if i in incidents]
    if not ids:
        return []
    states = {i: (r.status, r.withdrawn_at is not None) for i, r in incidents.items()}
    due = page_due(session, ids, today_london(), states=states)
    categories: dict[int, list[str]] = {}
    for incident_id, category in session.execute(
        select(IncidentCategory.incident_id, IncidentCategory.category)
        .where(among(IncidentCategory.incident_id, ids, dialect))
        .order_by(IncidentCategory.incident_id, IncidentCategory.category)
    ):
        categories.setdefault(incident_id, []).append(str(category))
    names: dict[tuple[int, InvolvementRole], list[str]] = {}
    for incident_id, role, given, family in session.execute(
        select(Involvement.incident_id, Involvement.role, Person.given_name, Person.family_name)
        .join(Person, Person.id == Involvement.person_id)
        .where(
            among(Involvement.incident_id, ids, dialect),
            Involvement.withdrawn_at.is_(None),
            Involvement.role.in_([InvolvementRole.POSTER, InvolvementRole.TARGET]),
        )
        .order_by(Involvement.id)
    ):
        names.setdefault((incident_id, role), []).append(f"{given} {family}".strip())
    return [
        IncidentRow(
            id=i,
            reference=incidents[i].reference,
            seen_at=incidents[i].seen_at,
            platform=incidents[i].platform,
            platform_other=incidents[i].platform_other,
            severity=incidents[i].severity,
            status=incidents[i].status,
            safeguarding_concern=incidents[i].safeguarding_concern,
            categories=tuple(categories.get(i, ())),
            posters=tuple(names.get((i, InvolvementRole.POSTER), ())),
            targets=tuple(names.get((i, InvolvementRole.TARGET), ())),
            withdrawn=incidents[i].withdrawn_at is not None,
            next_action_due=due[i].next_action if i in due else None,
            overdue=i in due and due[i].overdue,
            cursor=(cursors or {}).get(i),
        )
        for i in ids
        if i in incidents
    ]


def _sort_key(sort: IncidentSort) -> ColumnElement[Any]:
    """The SQL expression a column sorts by (never NULL, so keyset comparisons hold)."""
    if sort is IncidentSort.SEVERITY:
        return case(
            {member.value: rank for member, rank in SEVERITY_RANK.items()},
            value=Incident.severity,
        )
    if sort is IncidentSort.STATUS:
        return case(
            {member.value: rank for member, rank in STATUS_RANK.items()},
            value=Incident.status,
        )
    if sort is IncidentSort.POSTER:
        return _first_name_in_role(InvolvementRole.POSTER)
    if sort is IncidentSort.TARGETS:
        return _first_name_in_role(InvolvementRole.TARGET)
    if sort is IncidentSort.CATEGORIES:
        first = (
            select(func.min(IncidentCategory.category))
            .where(IncidentCategory.incident_id == Incident.id)
            .scalar_subquery()
        )
        return func.coalesce(first, "")
    if sort is IncidentSort.NEXT_ACTION_DUE:
        # Nothing due sorts after every date (ascending), as "no date" reads.
        return func.coalesce(next_action_due_expr(), date.max)
    columns: dict[IncidentSort, ColumnElement[Any]] = {
        IncidentSort.REFERENCE: Incident.reference.expression,
        IncidentSort.SEEN_AT: Incident.seen_at.expression,
        IncidentSort.PLATFORM: Incident.platform.expression,
    }
    return columns[sort]


def _first_name_in_role(role: InvolvementRole) -> ColumnElement[Any]:
    name = func.lower(Person.family_name + " " + Person.given_name)
    first = (
        select(func.min(name))
        .select_from(Involvement)
        .join(Person, Person.id == Involvement.person_id)
        .where(
            Involvement.incident_id == Incident.id,
            Involvement.role == role,
            Involvement.withdrawn_at.is_(None),
        )
        .scalar_subquery()
    )
    return func.coalesce(first, "")


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON)


@dataclass(frozen=True)
class PersonIncidentRow:
    """One incident on a person's page, with the role they had in it."""

    incident_id: int
    reference: str
    seen_at: datetime
    role: InvolvementRole
    status: IncidentStatus
    platform: Platform
    summary: str
    withdrawn: bool


@requires(Permission.READ_INCIDENTS)
def incidents_for_person(session: Session, person_id: int) -> list[PersonIncidentRow]:
    """Every incident a person is involved in (one row per role), newest first."""
    rows = session.execute(
        select(
            Incident.id,
            Incident.reference,
            Incident.seen_at,
            Involvement.role,
            Incident.status,
            Incident.platform,
            Incident.summary,
            Incident.withdrawn_at,
        )
        .join(Involvement, Involvement.incident_id == Incident.id)
        .where(
            Involvement.person_id == person_id,
            Involvement.withdrawn_at.is_(None),
            visible_incidents(session),
        )
        .order_by(Incident.seen_at.desc(), Incident.id.desc(), Involvement.id)
    )
    return [
        PersonIncidentRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] is not None) for r in rows
    ]
