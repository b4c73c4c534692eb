"""Matching an import against people typed in Footprint: suggestions that are never merged
without the DSL's word, merges that keep a person's incidents, links typed by hand, staff,
who may import, the year group of the time on letters, and saved CSV mappings."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.errors import NotAllowed, NotFound, ValidationError
from app.core.mis_import.plan import FieldChange, Suggestion
from app.core.mis_import.records import ImportCancelled, Position, StaffRecord
from app.core.models import Involvement, ParentChildLink, Person, User
from app.core.services.involvements import add_involvement
from app.core.services.letters import prepare_letters
from app.core.services.mis_import import (
    apply_import,
    get_mapping,
    list_mappings,
    preview_import,
    save_mapping,
)
from app.core.services.people import link_parent
from app.core.services.school import SchoolDetails, save_settings
from app.core.vocab import InvolvementRole, PersonKind, UserRole
from tests.core.mis_files import september, upn
from tests.factories import make_account, make_incident, make_person

SEPT = datetime(2026, 9, 4, 9, 0, tzinfo=UTC)


def _typed_amara(database: Database, actor: User) -> tuple[int, int]:
    """Amara typed by hand (no UPN) and put on an incident; her id and the incident's."""
    with database.write(actor) as s:
        amara = make_person(
            s,
            actor,
            kind=PersonKind.PUPIL,
            given_name="Amara",
            family_name="OKAFOR",
            date_of_birth=date(2016, 3, 2),
            year_group="5",
        )
        incident = make_incident(s, actor)
        add_involvement(s, actor, incident.id, amara.id, InvolvementRole.TARGET)
        return amara.id, incident.id


def test_a_suggestion_is_never_merged_without_a_decision(database: Database, actor: User) -> None:
    amara_id, _ = _typed_amara(database, actor)
    with database.read(actor) as s:
        plan = preview_import(s, september(), whole_school=True)
    assert plan.suggestions == [
        Suggestion(
            f"pupil:{upn(1)}",
            "Amara Okafor",
            amara_id,
            "Amara OKAFOR",
            "same name and date of birth",
            on_incidents=1,
        )
    ]
    assert [p.person_id for p in plan.not_in_file] == [amara_id]
    assert (plan.added[0].person_id, plan.added[0].name) == (None, "Amara Okafor")
    with database.write(actor) as s:
        apply_import(s, actor, september(), plan)
    with database.read(SYSTEM) as s:
        typed = s.get(Person, amara_id)
        assert typed is not None
        assert (typed.upn, typed.mis_import_id, typed.family_name) == (None, None, "OKAFOR")
        assert len(s.scalars(select(Person).where(Person.given_name == "Amara")).all()) == 2


def test_a_decision_merges_into_the_typed_person_keeping_their_incidents(
    database: Database, actor: User
) -> None:
    amara_id, incident_id = _typed_amara(database, actor)
    decisions = {f"pupil:{upn(1)}": amara_id}
    with database.read(actor) as s:
        plan = preview_import(s, september(), whole_school=True, decisions=decisions)
    # The answer stays listed, so the DSL can see it and change it.
    assert [(x.person_id, x.why) for x in plan.suggestions] == [
        (amara_id, "answered: the same person")
    ]
    assert plan.not_in_file == []
    [merged] = plan.changed
    assert (merged.person_id, merged.on_incidents) == (amara_id, 1)
    assert merged.changes == (
        FieldChange("family_name", "Surname", "OKAFOR", "Okafor"),
        FieldChange("class_name", "Class", "", "5 Oak"),
        FieldChange("upn", "UPN", "", upn(1)),
        FieldChange("mis_import_id", "Kept by the MIS", "No", "Yes"),
    )
    with database.write(actor) as s:
        result = apply_import(s, actor, september(), plan)
    with database.read(SYSTEM) as s:
        amara = s.get(Person, amara_id)
        assert amara is not None
        assert (amara.upn, amara.family_name, amara.mis_import_id, amara.search_name) == (
            upn(1),
            "Okafor",
            result.import_id,
            " amara okafor",
        )
        assert s.scalars(
            select(Involvement.incident_id).where(Involvement.person_id == amara_id)
        ).all() == [incident_id]
        parents = s.scalars(
            select(ParentChildLink.parent_id).where(ParentChildLink.child_id == amara_id)
        ).all()
        assert len(parents) == 2


def test_a_link_typed_by_hand_becomes_kept_by_the_mis(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        pupil = make_person(
            s, actor, kind=PersonKind.PUPIL, given_name="Amara", family_name="Okafor"
        )
        pupil.upn = upn(1)
        grace = make_person(
            s,
            actor,
            given_name="Grace",
            family_name="Okafor",
            address="12 Oak Road\nMorden",
            postcode="sm4 5ab",
            phone="020 7946 0000",
        )
        link_id = link_parent(s, actor, grace.id, pupil.id, relationship_label="Mum").id
        grace_id = grace.id
    with database.read(actor) as s:
        plan = preview_import(s, september(), whole_school=False)
    grace_plan = next(p for p in plan.changed if p.person_id == grace_id)
    # The file's phone replaces the typed one; the postcode is the same one written
    # differently, yet shown as it will be stored.
    assert grace_plan.changes == (
        FieldChange("title", "Title", "", "Mrs"),
        FieldChange("mis_id", "MIS id", "", "101"),
        FieldChange("postcode", "Postcode", "sm4 5ab", "SM4 5AB"),
        FieldChange("phone", "Phone", "020 7946 0000", "07700 900101"),
        FieldChange("mis_import_id", "Kept by the MIS", "No", "Yes"),
    )
    [kept] = [lp for lp in plan.links_changed if lp.link_id == link_id]
    assert kept.changes == (
        FieldChange("relationship_label", "Relationship", "Mum", "Mother"),
        FieldChange("parental_responsibility", "Parental responsibility", "", "Yes"),
        FieldChange("priority", "Priority", "", "1"),
        FieldChange("mis_import_id", "Kept by the MIS", "No", "Yes"),
    )
    assert len(plan.links_added) == 9
    with database.write(actor) as s:
        apply_import(s, actor, september(), plan)
    with database.read(SYSTEM) as s:
        link = s.get(ParentChildLink, link_id)
        assert link is not None
        assert (link.relationship_label, link.priority, link.mis_import_id is not None) == (
            "Mother",
            1,
            True,
        )


def test_staff_by_email_then_name_as_a_suggestion(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        typed = make_person(
            s, actor, kind=PersonKind.STAFF, given_name="Ruth", family_name="Ames", email="r@x.org"
        )
        same_name = make_person(
            s, actor, kind=PersonKind.STAFF, given_name="Ola", family_name="Bee"
        )
    staff = [
        StaffRecord(
            "s1",
            "Ruth",
            "Ames-Cole",
            Position(row=2),
            mis_id="S1",
            email="R@x.org",
            job_title="Teacher",
        ),
        StaffRecord("s2", "Ola", "Bee", Position(row=3), mis_id="S2"),
    ]
    f = replace(september(), pupils=[], contacts=[], links=[], staff=staff, source="csv")
    with database.read(actor) as s:
        plan = preview_import(s, f, whole_school=True)
    [ruth] = plan.changed
    assert (ruth.person_id, [c.label for c in ruth.changes]) == (
        typed.id,
        ["Surname", "MIS id", "Job title", "Email", "Kept by the MIS"],
    )
    assert [(x.record_key, x.person_id, x.why) for x in plan.suggestions] == [
        ("staff:s2", same_name.id, "same name")
    ]
    assert [p.name for p in plan.added] == ["Ola Bee"]


def test_only_the_dsl_team_may_import(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        office = make_account(s, actor, UserRole.OFFICE, "office")
        head = make_account(s, actor, UserRole.HEADTEACHER, "head")
    for user in (office, head):
        with pytest.raises(NotAllowed), database.read(user) as s:
            preview_import(s, september(), whole_school=True)
        with pytest.raises(NotAllowed), database.write(user) as s:
            save_mapping(s, user, "SIMS", "pupils", {})


def test_cancel_stops_the_preview(database: Database, actor: User) -> None:
    with pytest.raises(ImportCancelled), database.read(actor) as s:
        preview_import(s, september(), whole_school=True, cancelled=lambda: True)
    seen: list[tuple[int, int]] = []
    with database.read(actor) as s:
        preview_import(s, september(), whole_school=True, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(14, 14)]


def test_a_letter_names_the_class_at_the_time_of_the_incident(
    database: Database, actor: User
) -> None:
    set_clock(lambda: SEPT)
    with database.write(actor) as s:
        save_settings(s, actor, SchoolDetails(name="Oakfield Primary", headteacher_name="Ms Ray"))
    with database.read(actor) as s:
        plan = preview_import(s, september(), whole_school=True)
    with database.write(actor) as s:
        apply_import(s, actor, september(), plan)
        amara = s.scalars(select(Person).where(Person.upn == upn(1))).one()
        grace = s.scalars(select(Person).where(Person.mis_id == "101")).one()
        incident = make_incident(s, actor)
        add_involvement(s, actor, incident.id, amara.id, InvolvementRole.TARGET)
        ids = incident.id, grace.id
    rolled = september()
    rolled.pupils[0] = replace(rolled.pupils[0], year_group="6", class_name="6 Yew")
    rolled.sha256 = "d" * 64
    with database.read(actor) as s:
        plan = preview_import(s, rolled, whole_school=True)
    assert plan.changed[0].changes == (
        FieldChange("year_group", "Year group", "Year 5", "Year 6"),
        FieldChange("class_name", "Class", "5 Oak", "6 Yew"),
    )
    with database.write(actor) as s:
        apply_import(s, actor, rolled, plan)
    with database.write(actor) as s:
        [letter] = prepare_letters(s, ids[0], "child_involved", [ids[1]])
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.pdf)).pages).split()
    assert "5 Oak" in " ".join(text) and "6 Yew" not in " ".join(text)


def test_saved_mappings(database: Database, actor: User) -> None:
    with database.write(actor) as s:
        save_mapping(s, actor, "SIMS pupils", "pupils", {"family_name": "Legal Surname"})
        save_mapping(s, actor, "SIMS pupils", "pupils", {"family_name": "Surname"})
        save_mapping(s, actor, "Staff list", "staff", {"email": "Email"})
        with pytest.raises(ValidationError):
            save_mapping(s, actor, "x" * 81, "pupils", {})
        with pytest.raises(ValidationError):
            save_mapping(s, actor, "Odd", "parents", {})
    with database.read(actor) as s:
        assert [m.name for m in list_mappings(s)] == ["SIMS pupils", "Staff list"]
        assert [m.name for m in list_mappings(s, "staff")] == ["Staff list"]
        assert get_mapping(s, "SIMS pupils").columns == {"family_name": "Surname"}
        with pytest.raises(NotFound) as raised:
            get_mapping(s, "Arbor")
    assert raised.value.message == (
        "There is no saved mapping called “Arbor”: the saved ones are “SIMS pupils”, “Staff list”."
    )


def test_contacts_without_an_mis_id_and_links_the_mis_drops(
    database: Database, actor: User
) -> None:
    with database.read(actor) as s:
        plan = preview_import(s, september(), whole_school=True)
    with database.write(actor) as s:
        apply_import(s, actor, september(), plan)
        grace_id = s.scalars(select(Person.id).where(Person.mis_id == "101")).one()
    later = september()
    later.sha256 = "e" * 64
    # Grace without an MIS id (as in a CTF) at a new address: the one parent of that name
    # already linked to her children, so the same person, moved house (a change, never a
    # second Grace); David is no longer linked to Tobi (but still to Amara, so he has not
    # left).
    later.contacts[0] = replace(
        later.contacts[0], key="name:grace okafor|cr42aa", mis_id=None, postcode="CR4 2AA"
    )
    later.links = [
        replace(link, contact_key="name:grace okafor|cr42aa")
        if link.contact_key == "mis:101"
        else link
        for link in later.links
        if (link.pupil_key, link.contact_key) != (upn(2), "mis:102")
    ]
    with database.read(actor) as s:
        plan = preview_import(s, later, whole_school=True)
    assert plan.suggestions == [] and plan.added == [] and plan.left == []
    assert [(p.person_id, [(c.label, c.old, c.new) for c in p.changes]) for p in plan.changed] == [
        (grace_id, [("Postcode", "SM4 5AB", "CR4 2AA")])
    ]
    assert [(lp.contact_name, lp.pupil_name) for lp in plan.links_ended] == [
        ("David Okafor", "Tobi Okafor")
    ]
    # Two parents of that name linked to the children: only suggestions, never a guess.
    with database.write(actor) as s:
        other = make_person(
            s, actor, kind=PersonKind.PARENT, given_name="Grace", family_name="Okafor"
        )
        amara = s.scalars(select(Person.id).where(Person.upn == upn(1))).one()
        link_parent(s, actor, other.id, amara)
    with database.read(actor) as s:
        plan = preview_import(s, later, whole_school=True)
    assert sorted(x.person_id for x in plan.suggestions) == sorted([grace_id, other.id])
    assert [p.name for p in plan.added] == ["Grace Okafor"]
