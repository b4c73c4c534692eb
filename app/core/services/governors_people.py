"""The governors' report's figures about *who* was involved, as groups that never show a
person: the kind of poster, and pupils' year groups as they were when the incident was
recorded (a pupil in Year 6 in July is counted in Year 6, whatever September's import
says now)."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.core.models import Incident, Involvement, Person
from app.core.rules.suppression import Row
from app.core.vocab import YEAR_GROUPS, InvolvementRole, PersonKind

#: Who posted, in the groups governors see (one person's role must not show through).
POSTER_GROUPS: dict[PersonKind, str] = {
    PersonKind.PUPIL: "Pupil",
    PersonKind.PARENT: "Parent/carer",
    PersonKind.STAFF: "Staff, governor or volunteer",
    PersonKind.GOVERNOR: "Staff, governor or volunteer",
    PersonKind.VOLUNTEER: "Staff, governor or volunteer",
    PersonKind.CONTRACTOR: "Third party",
    PersonKind.THIRD_PARTY: "Third party",
}
POSTER_ORDER = ["Pupil", "Parent/carer", "Staff, governor or volunteer", "Third party", "Unknown"]
NOT_RECORDED = "Year group not recorded"


def year_group_label(year_group: str | None) -> str:
    """ "Nursery", "Reception", "Year 6"; for no year group, `NOT_RECORDED`."""
    if not year_group:
        return NOT_RECORDED
    return {"N": "Nursery", "R": "Reception"}.get(year_group, f"Year {year_group}")


def poster_groups(session: Session, in_period: ColumnElement[bool], incidents: int) -> Counter[str]:
    """Incidents by who posted: each incident once per group (an incident with posters of
    two groups counts in both); incidents with no poster recorded are "Unknown"."""
    pairs = session.execute(
        select(Involvement.incident_id, Person.kind)
        .join(Person, Person.id == Involvement.person_id)
        .join(Incident, Incident.id == Involvement.incident_id)
        .where(
            in_period,
            Involvement.role == InvolvementRole.POSTER,
            Involvement.withdrawn_at.is_(None),
        )
        .distinct()
    ).all()
    members: dict[str, set[int]] = defaultdict(set)
    for incident_id, kind in pairs:
        members[POSTER_GROUPS[kind]].add(incident_id)
    groups: Counter[str] = Counter({group: len(ids) for group, ids in members.items()})
    groups["Unknown"] = incidents - len({incident_id for incident_id, _ in pairs})
    return groups


def year_group_rows(session: Session, in_period: ColumnElement[bool]) -> list[Row]:
    """Incidents by the year group of the pupils involved in any role, as it was when each
    pupil was added to the incident: an incident counts once under each year group it
    involved (so the rows can add up to more than the incidents)."""
    pairs = session.execute(
        select(Involvement.incident_id, Involvement.year_group_then)
        .join(Person, Person.id == Involvement.person_id)
        .join(Incident, Incident.id == Involvement.incident_id)
        .where(
            in_period,
            Person.kind == PersonKind.PUPIL,
            Involvement.withdrawn_at.is_(None),
        )
        .distinct()
    ).all()
    counts: Counter[str] = Counter(year_group_label(year) for _incident, year in pairs)
    order = [year_group_label(y) for y in YEAR_GROUPS] + [NOT_RECORDED]
    return [Row(label, counts[label]) for label in order if counts[label]]
