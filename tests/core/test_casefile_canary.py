"""Canary over the demonstration school: agency copies of the incidents that involve staff
or several pupils — with notes added that name staff and other pupils in every way a DSL
writes them — carry no member of staff's name and no pupil's name but those the case is
about, who are named."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from pypdf import PdfReader
from sqlalchemy import func, select

from app.core import clock
from app.core.db import Database
from app.core.demo import build_demo_school
from app.core.folding import fold
from app.core.models import Incident, Involvement, Person, SchoolSettings
from app.core.models import User as Account
from app.core.services.casefile import CaseFileChoice, case_file_options, export_case_file
from app.core.services.chronology import add_note
from app.core.vocab import CaseFileVariant, PersonKind

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
SCHOOL_ADULTS = (PersonKind.STAFF, PersonKind.GOVERNOR, PersonKind.VOLUNTEER, PersonKind.CONTRACTOR)


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[^\W_]+", fold(text))) + " "


def _has(haystack: str, name: str) -> bool:
    folded = _words(name).strip()
    return bool(folded) and f" {folded} " in haystack


def test_agency_copies_of_the_demo_school_name_no_one_they_must_not(
    database: Database, actor: Account
) -> None:
    clock.set_clock(lambda: NOW)
    with database.write(actor) as s:
        build_demo_school(s, actor.id)
    with database.write(actor) as s:
        staff = s.scalars(select(Person).where(Person.kind.in_(SCHOOL_ADULTS))).all()
        pupils = s.scalars(select(Person).where(Person.kind == PersonKind.PUPIL)).all()
        settings = s.scalars(select(SchoolSettings)).one()
        accounts = s.scalars(select(Account)).all()
        with_staff = s.scalars(
            select(Involvement.incident_id)
            .join(Person, Person.id == Involvement.person_id)
            .where(Person.kind == PersonKind.STAFF)
            .distinct()
            .order_by(Involvement.incident_id)
            .limit(4)
        ).all()
        crowded = s.scalars(
            select(Involvement.incident_id)
            .join(Person, Person.id == Involvement.person_id)
            .where(Person.kind == PersonKind.PUPIL)
            .group_by(Involvement.incident_id)
            .having(func.count(func.distinct(Involvement.person_id)) >= 3)
            .order_by(Involvement.incident_id)
            .limit(4)
        ).all()
        chosen = list(dict.fromkeys([*with_staff, *crowded]))
        assert len(chosen) >= 6
        teacher, head = staff[10], staff[0]
        stranger = pupils[-1]  # a pupil on none of these incidents (checked below)
        for incident_id in chosen:
            involved = s.scalars(
                select(Person)
                .join(Involvement, Involvement.person_id == Person.id)
                .where(Involvement.incident_id == incident_id)
            ).all()
            assert stranger not in involved
            others = [p for p in involved if p.kind is PersonKind.PUPIL][1:]
            on_staff = [p for p in involved if p.kind is PersonKind.STAFF]
            canary = (
                f"Spoke to {teacher.given_name} {teacher.family_name} and to "
                f"{teacher.title} {teacher.family_name}; {head.title} {head.family_name} agreed. "
                f"{stranger.given_name} {stranger.family_name.upper()} was mentioned too. "
                + " ".join(f"{p.given_name} said so; {p.family_name}'s bag." for p in others)
                + " ".join(f"{p.given_name} {p.family_name} saw it." for p in on_staff)
            )
            add_note(s, actor, incident_id, canary)
    for incident_id in chosen:
        with database.write(actor) as s:
            options = case_file_options(s, incident_id)
            export = export_case_file(
                s, actor, incident_id, CaseFileChoice(CaseFileVariant.AGENCY, "PC Smith")
            )
            incident = s.get(Incident, incident_id)
            assert incident is not None
            named_ids = {p.person_id for p in options.people if p.named_by_default}
            on_incident = {p.person_id for p in options.people}
            # Parents and third parties stay named; one may share a pupil's name.
            kept = [p.name for p in options.people if not p.replaceable or p.named_by_default]
            if incident.reported_by and incident.reported_by.kind not in (
                PersonKind.PUPIL,
                *SCHOOL_ADULTS,
            ):
                kept.append(incident.reported_by.full_name)
        raw = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export.pdf)).pages)
        text = _words(raw)
        named = [p for p in pupils if p.id in named_ids]
        kept_words = {w for n in [*kept, *(p.full_name for p in named)] for w in _words(n).split()}
        for person in named:
            assert _has(text, person.full_name), (incident.reference, person.full_name)
        for person in staff:
            assert not _has(text, person.full_name), (incident.reference, person.full_name)
            if person.title:
                assert not _has(text, f"{person.title} {person.family_name}"), person.full_name
        for person in pupils:
            if person.id in named_ids or any(
                _words(person.full_name) == _words(n)
                for n in [*kept, *(p.full_name for p in named)]
            ):
                continue
            assert not _has(text, person.full_name), (incident.reference, person.full_name)
            if person.id in on_incident:  # on the incident: not even a first or family name
                for word in (person.given_name, person.family_name):
                    if fold(word) in kept_words:
                        continue  # shared with the named child's own name
                    assert not re.search(rf"\b{re.escape(word)}\b", raw), (
                        incident.reference,
                        word,
                    )
        for name in (settings.headteacher_name, *(a.display_name for a in accounts)):
            if len(_words(name).split()) > 1:
                assert not _has(text, name), name
