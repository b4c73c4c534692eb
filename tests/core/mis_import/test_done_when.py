"""Issue 15's "Done when", with real files through the real readers and service: a
September CTF and class list into an empty log, the spring CTF of the whole school (a
leaver, a new NC year, a father who moved house), the spring contacts CSV (a class move
and a new court order, which letters then respect), and September's CTF again, which
undoes the CTF's changes but never lifts the court order. The audit trail verifies
after every import."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from app.core import audit
from app.core.actors import SYSTEM
from app.core.clock import set_clock
from app.core.db import Database
from app.core.mis_import.csv_files import guess_columns, read_csv, sniff_csv
from app.core.mis_import.ctf import read_ctf
from app.core.mis_import.plan import FieldChange, LinkPlan, PersonPlan, Plan
from app.core.mis_import.records import ImportFile, Position
from app.core.models import Involvement, ParentChildLink, Person, User
from app.core.services.involvements import add_involvement
from app.core.services.letter_recipients import NotOffered, not_offered, recipients
from app.core.services.mis_import import apply_import, preview_import
from app.core.vocab import InvolvementRole, PersonKind
from tests.core.mis_import import school_files as sf
from tests.core.mis_import.school_files import upn
from tests.factories import make_incident

SEPT = datetime(2026, 9, 4, 9, 0, tzinfo=UTC)
JAN = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
PUPIL, PARENT = PersonKind.PUPIL, PersonKind.PARENT
LEFT = (FieldChange("left_on", "Left", "", "11/01/2027"),)
IMRAN_KEY_NOW = "contact:name:imran rahman|bd18 3jr"
IMRAN_KEY_THEN = "contact:name:imran rahman|bd1 4ab"
ENDED = "No longer linked in the MIS (import of 11/01/2027)"


def _preview(
    db: Database, actor: User, f: ImportFile, whole: bool, decide: dict[str, int] | None = None
) -> Plan:
    with db.read(actor) as s:
        return preview_import(s, f, whole_school=whole, decisions=decide)


def _apply(db: Database, actor: User, f: ImportFile, plan: Plan) -> None:
    with db.write(actor) as s:
        apply_import(s, actor, f, plan)
    with db.read(SYSTEM) as s:
        assert audit.verify(s, db.audit_head).ok


def _csv(path: Path) -> ImportFile:
    columns = guess_columns(sniff_csv(path).headers, "pupils")
    return read_csv(path, columns, "pupils")


def _id(db: Database, **where: object) -> int:
    with db.read(SYSTEM) as s:
        return s.scalars(select(Person.id).filter_by(**where)).one()


def _people(db: Database) -> list[tuple[str, str, str, str | None, str | None, str, str, str]]:
    with db.read(SYSTEM) as s:
        return [
            (
                p.kind.value,
                p.full_name,
                p.upn or "",
                p.year_group,
                p.class_name,
                p.postcode,
                p.preferred_given_name,
                "" if p.left_on is None else p.left_on.isoformat(),
            )
            for p in s.scalars(select(Person).order_by(Person.id))
        ]


def _links(db: Database) -> list[tuple[str, str, str, bool | None, int | None, bool, bool]]:
    with db.read(SYSTEM) as s:
        return [
            (
                k.parent.full_name,
                k.child.full_name,
                k.relationship_label,
                k.parental_responsibility,
                k.priority,
                k.receives_letters,
                k.no_contact,
            )
            for k in s.scalars(
                select(ParentChildLink)
                .where(ParentChildLink.withdrawn_at.is_(None))
                .order_by(ParentChildLink.id)
            )
        ]


def _at(f: ImportFile, key: str) -> Position:
    kind, _, rest = key.partition(":")
    records = f.pupils if kind == "pupil" else f.contacts
    return next(r.position for r in records if r.key == rest)


SEPT_PEOPLE = [
    ("pupil", "Amelia O'Connor", upn(1), "5", "5 Oak", "LS6 2QT", "", ""),
    ("pupil", "Finn O'Connor", upn(2), "3", "3 Ash", "LS6 2QT", "", ""),
    ("pupil", "Zoë Lefèvre", upn(3), "6", "6 Elm", "LS16 9AA", "", ""),
    ("pupil", "Yusuf Rahman", upn(4), "4", "4 Rowan", "LS12 4PE", "", ""),
    ("pupil", "Aisha Rahman", upn(5), "2", "2 Hazel", "LS12 4PE", "", ""),
    ("pupil", "Мирослава Коваленко", upn(6), "1", "1 Willow", "LS11 5EF", "Mira", ""),
    ("pupil", "Kacper Wiśniewski", upn(7), "6", "6 Elm", "LS5 3DL", "", ""),
    ("pupil", "Noah Bright-Adeyemi", upn(8), "5", "5 Oak", "LS8 1QQ", "", ""),
    ("parent", "Siobhán O'Connor", "", None, None, "LS6 2QT", "", ""),
    ("parent", "Declan O'Connor", "", None, None, "LS6 2QT", "", ""),
    ("parent", "Hélène Lefèvre", "", None, None, "LS16 9AA", "", ""),
    ("parent", "Gareth Pryce", "", None, None, "LS16 9AA", "", ""),
    ("parent", "Nasreen Rahman", "", None, None, "LS12 4PE", "", ""),
    ("parent", "Imran Rahman", "", None, None, "BD1 4AB", "", ""),
    ("parent", "Олена Коваленко", "", None, None, "LS11 5EF", "", ""),
    ("parent", "Agnieszka Wiśniewska", "", None, None, "LS5 3DL", "", ""),
    ("parent", "Tomasz Wiśniewski", "", None, None, "LS5 3DL", "", ""),
    ("parent", "Funmi Bright-Adeyemi", "", None, None, "LS8 1QQ", "", ""),
    ("parent", "Daniel Bright", "", None, None, "LS9 6JT", "", ""),
    ("parent", "Grace Bright", "", None, None, "LS8 1QR", "", ""),
]
SEPT_LINKS = [
    ("Siobhán O'Connor", "Amelia O'Connor", "Mother", True, 1, True, False),
    ("Declan O'Connor", "Amelia O'Connor", "Father", True, 2, True, False),
    ("Siobhán O'Connor", "Finn O'Connor", "Mother", True, 1, True, False),
    ("Declan O'Connor", "Finn O'Connor", "Father", True, 2, True, False),
    ("Hélène Lefèvre", "Zoë Lefèvre", "Mother", True, 1, True, False),
    ("Gareth Pryce", "Zoë Lefèvre", "Step-father", False, 2, False, False),
    ("Nasreen Rahman", "Yusuf Rahman", "Mother", True, 1, True, False),
    ("Imran Rahman", "Yusuf Rahman", "Father", True, 2, True, False),
    ("Nasreen Rahman", "Aisha Rahman", "Mother", True, 1, True, False),
    ("Imran Rahman", "Aisha Rahman", "Father", True, 2, True, False),
    ("Олена Коваленко", "Мирослава Коваленко", "Mother", True, 1, True, False),
    ("Agnieszka Wiśniewska", "Kacper Wiśniewski", "Mother", True, 1, True, False),
    ("Tomasz Wiśniewski", "Kacper Wiśniewski", "Father", True, 2, True, False),
    ("Funmi Bright-Adeyemi", "Noah Bright-Adeyemi", "Mother", True, 1, True, False),
    ("Daniel Bright", "Noah Bright-Adeyemi", "Father", True, 2, True, False),
    ("Grace Bright", "Noah Bright-Adeyemi", "Grandmother", False, 3, False, False),
]


def _september(db: Database, actor: User, folder: Path) -> int:
    """September's CTF and class list into an empty log; an incident about Kacper and
    Noah, recorded with their year and class of the time. Returns the incident's id."""
    set_clock(lambda: SEPT)
    ctf = read_ctf(sf.september_ctf(folder))
    assert (ctf.schema_version, ctf.source_school, ctf.file_date) == (
        "24.0",
        sf.SOURCE_SCHOOL,
        "2026-09-04T09:12:00",
    )
    assert (ctf.refused, ctf.warnings, ctf.says_partial) == ([], [], False)
    plan = _preview(db, actor, ctf, True)
    assert plan.counts() == {
        **dict.fromkeys(_COUNT_KEYS, 0),
        "pupils added": 8,
        "contacts added": 12,
        "links added": 16,
    }
    assert plan.suggestions == [] and plan.warnings == [] and plan.not_in_file == []
    assert plan.links_added[5] == LinkPlan(
        "Zoë Lefèvre",
        "Gareth Pryce",
        "Step-father, no parental responsibility, priority 2",
        pupil_key=upn(3),
        contact_key="name:gareth pryce|ls16 9aa",
    )
    _apply(db, actor, ctf, plan)

    classes = _csv(sf.september_classes_csv(folder))
    plan = _preview(db, actor, classes, False)
    assert [(p.name, p.changes, p.position) for p in plan.changed] == [
        (name, (FieldChange("class_name", "Class", "", str(klass)),), Position(row=row))
        for row, (_, name, _, _, klass, *_) in enumerate(SEPT_PEOPLE[:8], start=2)
    ]
    assert plan.links_ended == [] and plan.left == [] and plan.added == []
    _apply(db, actor, classes, plan)
    assert _people(db) == SEPT_PEOPLE
    assert _links(db) == SEPT_LINKS
    with db.read(SYSTEM) as s:
        zoe = s.get(Person, _id(db, upn=upn(3)))
        helene = s.get(Person, _id(db, given_name="Hélène"))
        mira = s.get(Person, _id(db, upn=upn(6)))
        assert zoe is not None and helene is not None and mira is not None
        # AddressAsPupil: Zoë's address; the BS7666 parts as letter lines.
        assert zoe.address == helene.address == "Rose Cottage\nChurch Lane\nLeeds"
        assert (mira.preferred_given_name, mira.preferred_family_name) == ("Mira", "Kovalenko")
        assert mira.date_of_birth == date(2020, 3, 9)

    with db.write(actor) as s:
        incident = make_incident(s, actor)
        for n in (7, 8):
            pupil = _id(db, upn=upn(n))
            add_involvement(s, actor, incident.id, pupil, InvolvementRole.TARGET)
        return incident.id


_COUNT_KEYS = (
    *(f"{w} {v}" for w in ("pupils", "contacts", "staff") for v in ("added", "changed", "left")),
    "links added",
    "links changed",
    "links ended",
    "rows refused",
    "unchanged",
)


def test_a_school_year_of_imports(tmp_path: Path, database: Database, actor: User) -> None:
    incident_id = _september(database, actor, tmp_path)
    kacper = _id(database, upn=upn(7))
    imran, daniel = _id(database, given_name="Imran"), _id(database, given_name="Daniel")
    mira, yusuf = _id(database, upn=upn(6)), _id(database, upn=upn(4))
    agnieszka, tomasz = _id(database, given_name="Agnieszka"), _id(database, given_name="Tomasz")

    # --- the spring CTF, the whole school ---------------------------------------------
    set_clock(lambda: JAN)
    spring = read_ctf(sf.spring_ctf(tmp_path))
    assert (spring.schema_version, spring.refused, spring.warnings) == ("25.0", [], [])
    # Imran moved house. A CTF gives parents no id, but he is the one Imran Rahman already
    # linked to Yusuf and Aisha: the same person, with a new address (never a second Imran).
    plan = _preview(database, actor, spring, True)
    assert plan.suggestions == [] and plan.added == []
    assert plan.changed == [
        PersonPlan(
            f"pupil:{upn(6)}",
            PUPIL,
            "Мирослава Коваленко",
            mira,
            (FieldChange("year_group", "Year group", "Year 1", "Year 2"),),
            0,
            _at(spring, f"pupil:{upn(6)}"),
        ),
        PersonPlan(
            IMRAN_KEY_NOW,
            PARENT,
            "Imran Rahman",
            imran,
            (
                FieldChange(
                    "address",
                    "Address",
                    "Flat 3\n22 Mill Street\nBradford",
                    "7 Canal Wharf\nShipley",
                ),
                FieldChange("postcode", "Postcode", "BD1 4AB", "BD18 3JR"),
            ),
            0,
            _at(spring, IMRAN_KEY_NOW),
        ),
    ]
    assert plan.left == [
        PersonPlan("", PUPIL, "Kacper Wiśniewski", kacper, LEFT, 1),
        PersonPlan("", PARENT, "Agnieszka Wiśniewska", agnieszka, LEFT, 0),
        PersonPlan("", PARENT, "Tomasz Wiśniewski", tomasz, LEFT, 0),
    ]
    # Kacper keeps his family links (his incident can still be written about); his
    # parents, with no child left at the school, have left too.
    assert plan.links_ended == []
    assert (plan.links_added, plan.links_changed, plan.warnings, plan.refused) == ([], [], [], [])
    assert plan.counts() == {
        **dict.fromkeys(_COUNT_KEYS, 0),
        "pupils changed": 1,
        "contacts changed": 1,
        "pupils left": 1,
        "contacts left": 2,
        "unchanged": 15,
    }
    _apply(database, actor, spring, plan)
    after_spring = [
        (*p[:5], "BD18 3JR", *p[6:])
        if p[1] == "Imran Rahman"
        else (*p[:3], "2", *p[4:])
        if p[1] == "Мирослава Коваленко"
        else (*p[:7], "2027-01-11")
        if p[1] in ("Kacper Wiśniewski", "Agnieszka Wiśniewska", "Tomasz Wiśniewski")
        else p
        for p in SEPT_PEOPLE
    ]
    assert _people(database) == after_spring
    assert _links(database) == SEPT_LINKS
    with database.read(SYSTEM) as s:
        left = s.get(Person, kacper)
        assert left is not None and (left.withdrawn_at, left.class_name) == (None, "6 Elm")
        assert s.get(Person, imran).address == "7 Canal Wharf\nShipley"  # type: ignore[union-attr]
        [on] = s.scalars(
            select(Involvement).where(
                Involvement.person_id == kacper, Involvement.withdrawn_at.is_(None)
            )
        ).all()
        assert (on.incident_id, on.year_group_then, on.class_name_then) == (
            incident_id,
            "6",
            "6 Elm",
        )
        kept = s.scalars(select(ParentChildLink).where(ParentChildLink.child_id == kacper)).all()
        assert [(k.ended_on, k.withdrawn_at) for k in kept] == [(None, None)] * 2

    # --- the spring contacts CSV: a class move and a court order ----------------------
    report = _csv(sf.spring_contacts_csv(tmp_path))
    assert (report.refused, report.warnings, len(report.pupils), len(report.links)) == (
        [],
        [],
        7,
        14,
    )
    plan = _preview(database, actor, report, False)
    assert plan.changed == [
        PersonPlan(
            f"pupil:{upn(4)}",
            PUPIL,
            "Yusuf Rahman",
            yusuf,
            (FieldChange("class_name", "Class", "4 Rowan", "4 Birch"),),
            0,
            Position(row=8),
        )
    ]
    [court] = plan.links_changed
    assert (court.contact_name, court.pupil_name, court.adds_no_contact, court.on_incidents) == (
        "Daniel Bright",
        "Noah Bright-Adeyemi",
        True,
        1,
    )
    assert court.changes == (
        FieldChange("no_contact", "No contact", "No", "Yes (Prohibited steps order)"),
    )
    assert plan.warnings == [
        "Daniel Bright is to have no contact with Noah Bright-Adeyemi (Prohibited steps "
        "order): no letter about Noah Bright-Adeyemi will be offered to them."
    ]
    assert (plan.added, plan.left, plan.links_added, plan.links_ended) == ([], [], [], [])
    assert (plan.suggestions, plan.not_in_file, plan.unchanged) == ([], [], 16)
    _apply(database, actor, report, plan)
    with database.read(SYSTEM) as s:
        assert s.get(Person, yusuf).class_name == "4 Birch"  # type: ignore[union-attr]
    with database.read(actor) as s:
        offered = [(r.name, r.suggested) for r in recipients(s, incident_id, "child_involved")]
        # Kacper has left, but the incident is from his time here: his parents are still
        # written to about it. Daniel (a court order) and Grace (no parental
        # responsibility) are not, and the screen says why.
        assert offered == [
            ("Mrs Agnieszka Wiśniewska", True),
            ("Ms Funmi Bright-Adeyemi", True),
            ("Mr Tomasz Wiśniewski", True),
        ]
        assert not_offered(s, incident_id, "child_involved") == [
            NotOffered(
                daniel,
                "Mr Daniel Bright",
                "Noah Bright-Adeyemi",
                "No contact: Prohibited steps order (from the MIS import of 11/01/2027)",
            ),
            NotOffered(
                _id(database, given_name="Grace"),
                "Mrs Grace Bright",
                "Noah Bright-Adeyemi",
                "Not set to receive letters (no parental responsibility)",
            ),
        ]

    # --- September's CTF again: undone, except the court order ------------------------
    september = read_ctf(sf.september_ctf(tmp_path))
    back = _preview(database, actor, september, True)
    assert [(p.name, p.changes) for p in back.changed] == [
        ("Мирослава Коваленко", (FieldChange("year_group", "Year group", "Year 2", "Year 1"),)),
        ("Kacper Wiśniewski", (FieldChange("left_on", "Left", "11/01/2027", ""),)),
        (
            "Imran Rahman",
            (
                FieldChange(
                    "address",
                    "Address",
                    "7 Canal Wharf\nShipley",
                    "Flat 3\n22 Mill Street\nBradford",
                ),
                FieldChange("postcode", "Postcode", "BD18 3JR", "BD1 4AB"),
            ),
        ),
        ("Agnieszka Wiśniewska", (FieldChange("left_on", "Left", "11/01/2027", ""),)),
        ("Tomasz Wiśniewski", (FieldChange("left_on", "Left", "11/01/2027", ""),)),
    ]
    assert back.links_added == []
    assert (back.links_changed, back.links_ended, back.left, back.added) == ([], [], [], [])
    assert (back.suggestions, back.warnings) == ([], [])
    _apply(database, actor, september, back)
    # The class list is not undone by a CTF (a CTF has no classes): Yusuf stays in 4 Birch.
    assert _people(database) == [
        (*p[:4], "4 Birch", *p[5:]) if p[1] == "Yusuf Rahman" else p for p in SEPT_PEOPLE
    ]
    links = _links(database)
    assert ("Daniel Bright", "Noah Bright-Adeyemi", "Father", True, 2, True, True) in links
    assert sorted(links) == sorted(
        ("Daniel Bright", *k[1:6], True) if k[0] == "Daniel Bright" else k for k in SEPT_LINKS
    )
    with database.read(actor) as s:
        assert [r.name for r in recipients(s, incident_id, "child_involved")] == [
            # The first contacts of each pupil first (the MIS's priority order).
            "Mrs Agnieszka Wiśniewska",
            "Ms Funmi Bright-Adeyemi",
            "Mr Tomasz Wiśniewski",
        ]
        assert [n.name for n in not_offered(s, incident_id, "child_involved")] == [
            "Mr Daniel Bright",
            "Mrs Grace Bright",
        ]
