"""The MIS import at service level: a September file into an empty log, a changed spring
file (a leaver, a class move, a new address, a court order), and the September file
again (the plan reverses, but the court order stays)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.core import audit
from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.errors import Conflict
from app.core.mis_import.plan import FieldChange, LinkPlan, PersonPlan, Plan
from app.core.mis_import.records import ImportFile
from app.core.models import Involvement, MisImport, ParentChildLink, Person, User
from app.core.services.involvements import add_involvement
from app.core.services.letter_recipients import NotOffered, not_offered, recipients
from app.core.services.mis_import import apply_import, list_imports, preview_import
from app.core.vocab import InvolvementRole, PersonKind
from tests.core.mis_files import september, spring, upn
from tests.factories import make_incident

SEPT = datetime(2026, 9, 4, 9, 0, tzinfo=UTC)
JAN = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


def _preview(db: Database, actor: User, f: ImportFile, **kw: object) -> Plan:
    with db.read(actor) as s:
        return preview_import(s, f, whole_school=kw.pop("whole_school", True), **kw)  # type: ignore[arg-type]


def _import(db: Database, actor: User, f: ImportFile, **kw: object) -> Plan:
    plan = _preview(db, actor, f, **kw)
    with db.write(actor) as s:
        apply_import(s, actor, f, plan)
    return plan


def _person(db: Database, **where: object) -> Person:
    with db.read(SYSTEM) as s:
        person = s.scalars(select(Person).filter_by(**where)).one()
        s.expunge(person)
        return person


def _links(db: Database) -> list[tuple[str, str, str, bool | None, int | None, bool, bool]]:
    with db.read(SYSTEM) as s:
        rows = s.scalars(
            select(ParentChildLink)
            .where(ParentChildLink.withdrawn_at.is_(None))
            .order_by(ParentChildLink.id)
        )
        return [
            (
                link.parent.full_name,
                link.child.full_name,
                link.relationship_label,
                link.parental_responsibility,
                link.priority,
                link.receives_letters,
                link.no_contact,
            )
            for link in rows
        ]


def test_september_into_an_empty_log(database: Database, actor: User) -> None:
    set_clock(lambda: SEPT)
    plan = _preview(database, actor, september())
    assert plan.counts() == {
        "pupils added": 6,
        "pupils changed": 0,
        "pupils left": 0,
        "contacts added": 8,
        "contacts changed": 0,
        "contacts left": 0,
        "staff added": 0,
        "staff changed": 0,
        "staff left": 0,
        "links added": 10,
        "links changed": 0,
        "links ended": 0,
        "rows refused": 0,
        "unchanged": 0,
    }
    assert plan.links_added[0] == LinkPlan(
        "Amara Okafor",
        "Grace Okafor",
        "Mother, parental responsibility, priority 1",
        pupil_key=upn(1),
        contact_key="mis:101",
    )
    assert plan.links_added[8].description == "Grandmother, no parental responsibility, priority 2"
    assert plan.suggestions == [] and plan.warnings == [] and plan.not_in_file == []
    with database.write(actor) as s:
        result = apply_import(s, actor, september(), plan)
    assert result.counts == plan.counts()

    amara = _person(database, upn=upn(1))
    assert (amara.kind, amara.full_name, amara.year_group, amara.class_name) == (
        PersonKind.PUPIL,
        "Amara Okafor",
        "5",
        "5 Oak",
    )
    assert (amara.date_of_birth, amara.mis_import_id, amara.search_name) == (
        date(2016, 3, 2),
        result.import_id,
        " amara okafor",
    )
    grace = _person(database, mis_id="101")
    assert (grace.kind, grace.title, grace.address, grace.postcode, grace.phone) == (
        PersonKind.PARENT,
        "Mrs",
        "12 Oak Road\nMorden",
        "SM4 5AB",
        "07700 900101",
    )
    links = _links(database)
    assert len(links) == 10
    # Siblings share one Grace and one David.
    assert links[:4] == [
        ("Grace Okafor", "Amara Okafor", "Mother", True, 1, True, False),
        ("David Okafor", "Amara Okafor", "Father", True, 2, True, False),
        ("Grace Okafor", "Tobi Okafor", "Mother", True, 1, True, False),
        ("David Okafor", "Tobi Okafor", "Father", True, 2, True, False),
    ]
    assert ("Anne Dubois", "Zoë Dubois", "Grandmother", False, 2, False, False) in links
    with database.read(actor) as s:
        [row] = list_imports(s)
        stored = s.get(MisImport, result.import_id)
        assert stored is not None
        assert (stored.file_sha256, stored.source_school, stored.whole_school) == (
            "a" * 64,
            "380/2093 Oakfield Primary",
            True,
        )
        assert json.loads(stored.counts) == plan.counts()
    assert (row.applied_at, row.applied_by, row.file_name) == (
        "04/09/2026 10:00",
        "DSL",
        "september.xml",
    )
    # The same file again changes nothing.
    again = _preview(database, actor, september())
    assert not again.changes_anything and again.unchanged == 14
    with database.read(SYSTEM) as s:
        assert audit.verify(s, database.audit_head).ok


def _incident_with(database: Database, actor: User, *pupils: int) -> int:
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        for n in pupils:
            person = s.scalars(select(Person).where(Person.upn == upn(n))).one()
            add_involvement(s, actor, incident.id, person.id, InvolvementRole.TARGET)
        return incident.id


def test_the_spring_file_and_back_again(database: Database, actor: User) -> None:
    set_clock(lambda: SEPT)
    _import(database, actor, september())
    incident_id = _incident_with(database, actor, 1, 4, 5)
    jack, grace = _person(database, upn=upn(4)), _person(database, mis_id="101")
    lily, david = _person(database, upn=upn(3)), _person(database, mis_id="102")
    sarah, mark = _person(database, mis_id="104"), _person(database, mis_id="105")

    set_clock(lambda: JAN)
    plan = _preview(database, actor, spring())
    assert plan.added == [] and plan.suggestions == [] and plan.not_in_file == []
    assert plan.changed == [
        PersonPlan(
            f"pupil:{upn(3)}",
            PersonKind.PUPIL,
            "Lily Chen",
            lily.id,
            (FieldChange("class_name", "Class", "5 Oak", "5 Yew"),),
            0,
            spring().pupils[2].position,
        ),
        PersonPlan(
            "contact:mis:101",
            PersonKind.PARENT,
            "Grace Okafor",
            grace.id,
            (
                FieldChange("address", "Address", "12 Oak Road\nMorden", "3 Elm Close\nMitcham"),
                FieldChange("postcode", "Postcode", "SM4 5AB", "CR4 2AA"),
            ),
            0,
            spring().contacts[0].position,
        ),
    ]
    gone = (FieldChange("left_on", "Left", "", "11/01/2027"),)
    assert plan.left == [
        PersonPlan("", PersonKind.PUPIL, "Jack Hughes", jack.id, gone, 1),
        PersonPlan("", PersonKind.PARENT, "Sarah Hughes", sarah.id, gone, 0),
        PersonPlan("", PersonKind.PARENT, "Mark Hughes", mark.id, gone, 0),
    ]
    # A leaver keeps their family links (their past incidents can still be written
    # about); their parents, with no pupil left at the school, have left too.
    assert plan.links_ended == []
    [court] = plan.links_changed
    assert (court.contact_name, court.pupil_name, court.adds_no_contact, court.on_incidents) == (
        "David Okafor",
        "Amara Okafor",
        True,
        1,
    )
    assert court.changes == (FieldChange("no_contact", "No contact", "No", "Yes (Court order)"),)
    assert plan.warnings == [
        "David Okafor is to have no contact with Amara Okafor (Court order): no letter about "
        "Amara Okafor will be offered to them."
    ]
    assert plan.unchanged == 9 and plan.links_added == []
    with database.write(actor) as s:
        apply_import(s, actor, spring(), plan)

    left = _person(database, id=jack.id)
    assert (left.left_on, left.withdrawn_at, left.class_name) == (date(2027, 1, 11), None, "6 Yew")
    assert _person(database, id=grace.id).postcode == "CR4 2AA"
    assert _person(database, id=lily.id).class_name == "5 Yew"
    with database.read(SYSTEM) as s:
        assert (
            s.scalar(
                select(func.count()).where(
                    Involvement.person_id == jack.id, Involvement.withdrawn_at.is_(None)
                )
            )
            == 1
        )
        kept = s.scalars(select(ParentChildLink).where(ParentChildLink.child_id == jack.id)).all()
        assert [(k.ended_on, k.withdrawn_at) for k in kept] == [(None, None)] * 2
        restricted = s.scalars(
            select(ParentChildLink).where(ParentChildLink.parent_id == david.id)
        ).all()
        assert [(r.no_contact, r.no_contact_reason) for r in restricted] == [
            (True, "Court order (from the MIS import of 11/01/2027)"),
            (False, ""),
        ]
    with database.read(actor) as s:
        offered = [r.name for r in recipients(s, incident_id, "child_involved")]
        # Jack has left, but the incident is from his time here: his parents can still be
        # written to about it (first contacts first, in the MIS's priority order).
        assert offered == [
            "Mrs Grace Okafor",
            "Mrs Sarah Hughes",
            "Ms Claire Dubois",
            "Mr Mark Hughes",
        ]
        assert not_offered(s, incident_id, "child_involved") == [
            NotOffered(
                david.id,
                "Mr David Okafor",
                "Amara Okafor",
                "No contact: Court order (from the MIS import of 11/01/2027)",
            ),
            NotOffered(
                _person(database, mis_id="107").id,
                "Mrs Anne Dubois",
                "Zoë Dubois",
                "Not set to receive letters (no parental responsibility)",
            ),
        ]

    # September's file again: the plan reverses, except the court order.
    back = _preview(database, actor, september())
    assert [(p.name, p.changes) for p in back.changed] == [
        ("Lily Chen", (FieldChange("class_name", "Class", "5 Yew", "5 Oak"),)),
        ("Jack Hughes", (FieldChange("left_on", "Left", "11/01/2027", ""),)),
        (
            "Grace Okafor",
            (
                FieldChange("address", "Address", "3 Elm Close\nMitcham", "12 Oak Road\nMorden"),
                FieldChange("postcode", "Postcode", "CR4 2AA", "SM4 5AB"),
            ),
        ),
        ("Sarah Hughes", (FieldChange("left_on", "Left", "11/01/2027", ""),)),
        ("Mark Hughes", (FieldChange("left_on", "Left", "11/01/2027", ""),)),
    ]
    assert (
        back.links_added == []
        and back.links_changed == []
        and back.links_ended == []
        and back.left == []
    )
    assert back.warnings == [
        "The file says David Okafor may be contacted about Amara Okafor, but Footprint "
        "records no contact (Court order (from the MIS import of 11/01/2027)): the "
        "restriction stays. Lift it in People if it has really ended."
    ]
    with database.write(actor) as s:
        apply_import(s, actor, september(), back)
    assert _person(database, id=jack.id).left_on is None
    assert _person(database, id=grace.id).address == "12 Oak Road\nMorden"
    assert ("David Okafor", "Amara Okafor", "Father", True, 2, True, True) in _links(database)
    with database.read(SYSTEM) as s:
        assert audit.verify(s, database.audit_head).ok


def test_a_partial_file_has_no_leavers(database: Database, actor: User) -> None:
    _import(database, actor, september())
    plan = _preview(database, actor, spring(), whole_school=False)
    assert plan.left == [] and plan.links_ended == []
    assert [p.name for p in plan.changed] == ["Lily Chen", "Grace Okafor"]


def test_a_class_list_without_contacts_ends_no_family_link(database: Database, actor: User) -> None:
    """A CSV of UPNs and classes says nothing about families: it moves pupils to their
    classes and leaves every link as it was (the demo school's class list relies on it)."""
    _import(database, actor, september())
    before = _links(database)
    classes = september()
    classes.contacts, classes.links = [], []
    classes.pupils = [replace(p, class_name=f"New {p.class_name}") for p in classes.pupils]
    plan = _import(database, actor, classes, whole_school=True)
    assert plan.links_ended == [] and plan.left == []
    assert len(plan.changed) == 6
    assert _links(database) == before
    assert _person(database, upn=upn(1)).class_name == "New 5 Oak"


def test_the_log_changing_after_the_preview_is_a_conflict(database: Database, actor: User) -> None:
    _import(database, actor, september())
    plan = _preview(database, actor, spring())
    _incident_with(database, actor, 3)  # Lily is now on an incident
    with pytest.raises(Conflict) as raised, database.write(actor) as s:
        apply_import(s, actor, spring(), plan)
    assert raised.value.message == (
        "The log changed since this preview (someone changed people or links the import "
        "touches). Preview the import again."
    )
    assert _person(database, upn=upn(4)).left_on is None
    with pytest.raises(Conflict), database.write(actor) as s:
        apply_import(s, actor, replace(spring(), sha256="c" * 64), plan)
