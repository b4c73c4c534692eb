"""What an import must never do, each found in review and reproduced first: lose a "no
contact" restriction, make leavers of refused rows or of a school that is only partly in
the file, end families' links on a partial file, give letters to a contact whose parental
responsibility nobody recorded, merge two people the MIS tells apart, keep text that
could disguise a name, or offer a letter to a parent restricted from a pupil in the
incident."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from app.core.actors import SYSTEM
from app.core.db import Database
from app.core.mis_import.cleaning import clean, printable
from app.core.mis_import.csv_files import sniff_csv
from app.core.mis_import.drafts import ContactDraft, PupilDraft, check_pupils, merge_contacts
from app.core.mis_import.plan import Plan
from app.core.mis_import.records import ImportFile, Position, Refusal
from app.core.models import ParentChildLink, Person, User
from app.core.services.involvements import add_involvement
from app.core.services.letter_recipients import not_offered, recipients
from app.core.services.mis_import import apply_import, holds_whole_school, preview_import
from app.core.services.people import set_no_contact, unlink_parent
from app.core.vocab import InvolvementRole
from tests.core.mis_files import september, spring, upn
from tests.factories import make_incident


def _preview(db: Database, actor: User, f: ImportFile, whole_school: bool = True) -> Plan:
    with db.read(actor) as s:
        return preview_import(s, f, whole_school=whole_school)


def _import(db: Database, actor: User, f: ImportFile, whole_school: bool = True) -> Plan:
    plan = _preview(db, actor, f, whole_school)
    with db.write(actor) as s:
        apply_import(s, actor, f, plan)
    return plan


def _id(db: Database, **where: object) -> int:
    with db.read(SYSTEM) as s:
        return int(s.scalars(select(Person.id).filter_by(**where)).one())


def _link(db: Database, parent_id: int, child_id: int) -> ParentChildLink | None:
    with db.read(SYSTEM) as s:
        link = s.scalars(
            select(ParentChildLink).where(
                ParentChildLink.parent_id == parent_id,
                ParentChildLink.child_id == child_id,
                ParentChildLink.withdrawn_at.is_(None),
            )
        ).first()
        if link is not None:
            s.expunge(link)
        return link


def test_a_restricted_link_never_ends_by_import_and_comes_back_restricted(
    database: Database, actor: User
) -> None:
    _import(database, actor, spring())  # David Okafor: court order about Amara
    david, amara = _id(database, mis_id="102"), _id(database, upn=upn(1))
    # The MIS drops David from Amara's contacts (as schools do after a court order).
    dropped = spring()
    dropped.sha256 = "c" * 64
    dropped.links = [
        k for k in dropped.links if (k.pupil_key, k.contact_key) != (upn(1), "mis:102")
    ]
    plan = _import(database, actor, dropped)
    assert plan.links_ended == []
    assert plan.warnings == [
        "The file no longer links David Okafor to Amara Okafor, who is recorded as having no "
        "contact (Court order (from the MIS import of "
        + plan.warnings[0].split("MIS import of ")[1].split(")")[0]
        + ")): the link and its restriction are kept. End them in People if the "
        "restriction is really over."
    ]
    link = _link(database, david, amara)
    assert link is not None and link.no_contact
    # Ended by hand, then listed again by the MIS: the restriction comes back with it.
    with database.write(actor) as s:
        unlink_parent(s, actor, link.id, "Entered on the wrong pupil")
    again = september()
    again.sha256 = "d" * 64
    plan = _import(database, actor, again)
    [again_link] = [lp for lp in plan.links_added if lp.contact_name == "David Okafor"]
    assert (again_link.pupil_name, again_link.adds_no_contact) == ("Amara Okafor", True)
    assert any("keeps the restriction" in w for w in plan.warnings)
    relinked = _link(database, david, amara)
    assert relinked is not None
    assert (relinked.no_contact, relinked.receives_letters) == (True, False)
    assert relinked.no_contact_reason == link.no_contact_reason  # said once, as recorded


def test_refused_rows_are_never_taken_for_leavers(database: Database, actor: User) -> None:
    _import(database, actor, september())
    later = september()
    later.sha256 = "e" * 64
    later.pupils = [p for p in later.pupils if p.upn != upn(3)]
    later.refused = [
        Refusal(Position(line=30), "The date of birth is in the future.", "Lily", (upn(3),))
    ]
    plan = _preview(database, actor, later)
    assert plan.left == []
    assert any("nobody whose UPN or MIS id is in one of them" in w for w in plan.warnings)
    # A row that can't even be told apart: nobody at all is marked as left.
    later.pupils = [p for p in later.pupils if p.upn != upn(4)]
    later.refused.append(Refusal(Position(row=9), "The row has 3 cells where …"))
    plan = _preview(database, actor, later)
    assert plan.left == []
    assert any("so nobody is marked as left by this import" in w for w in plan.warnings)


def test_only_a_file_like_the_whole_school_is_taken_for_it(database: Database, actor: User) -> None:
    with database.read(actor) as s:
        assert holds_whole_school(s, september())  # the first CTF into an empty log
        assert not holds_whole_school(s, replace(september(), says_partial=True))
        assert not holds_whole_school(s, replace(september(), source="csv"))
    _import(database, actor, september())
    joining = september()
    joining.pupils = joining.pupils[:1]
    elsewhere = replace(september(), source_school="999/1234 Elsewhere School")
    with database.read(actor) as s:
        assert holds_whole_school(s, replace(september(), source_school="380/2093 Oakfield"))
        assert not holds_whole_school(s, elsewhere)
        assert not holds_whole_school(s, joining)  # 1 of the 6 pupils the MIS keeps
    # Said to be the whole school anyway: the preview says how many would leave.
    joining.sha256 = "f" * 64
    plan = _preview(database, actor, joining)
    assert len([p for p in plan.left if p.kind.value == "pupil"]) == 5
    assert plan.warnings[0].startswith("This import marks 5 of the 6 pupils the MIS keeps")


def test_a_file_that_is_not_the_whole_school_ends_no_family_link(
    database: Database, actor: User
) -> None:
    _import(database, actor, september())
    report = spring()  # only the changes a report lists, with their contacts
    report.sha256 = "9" * 64
    report.pupils = [p for p in report.pupils if p.upn == upn(1)]
    report.links = [k for k in report.links if (k.pupil_key, k.contact_key) == (upn(1), "mis:102")]
    report.contacts = [c for c in report.contacts if c.mis_id == "102"]
    plan = _import(database, actor, report, whole_school=False)
    assert plan.links_ended == [] and plan.left == []
    [court] = plan.links_changed
    assert court.adds_no_contact
    assert _link(database, _id(database, mis_id="101"), _id(database, upn=upn(1))) is not None


def test_a_contact_with_no_parental_responsibility_recorded_gets_no_letters(
    database: Database, actor: User
) -> None:
    silent = september()
    silent.links = [replace(k, parental_responsibility=None) for k in silent.links]
    plan = _import(database, actor, silent)
    assert plan.warnings[-1].startswith("The file doesn't say who has parental responsibility")
    with database.read(SYSTEM) as s:
        assert set(s.scalars(select(ParentChildLink.receives_letters))) == {False}
    with database.write(actor) as s:
        incident = make_incident(s, actor)
        add_involvement(s, actor, incident.id, _id(database, upn=upn(3)), InvolvementRole.TARGET)
    with database.read(actor) as s:
        assert recipients(s, incident.id, "child_involved") == []
        assert [n.reason for n in not_offered(s, incident.id, "child_involved")] == [
            "Not set to receive letters"
        ]
    # The MIS later says who has it: letters start for those links the import made.
    said = september()
    said.sha256 = "8" * 64
    _import(database, actor, said)
    with database.read(actor) as s:
        assert [r.name for r in recipients(s, incident.id, "child_involved")] == ["Ms Wei Chen"]


def test_contacts_with_different_mis_ids_are_different_people(
    database: Database, actor: User
) -> None:
    _import(database, actor, september())
    later = september()
    later.sha256 = "7" * 64
    twin = replace(later.contacts[0], key="mis:901", mis_id="901")  # Grace's name and home
    later.contacts.insert(0, twin)  # read first: it must not take Grace by her address
    later.links.append(replace(later.links[0], contact_key="mis:901", priority=3))
    plan = _preview(database, actor, later)
    assert [(p.name, p.person_id) for p in plan.added] == [("Grace Okafor", None)]
    assert plan.changed == []  # Grace keeps her MIS id: nobody took her place


def test_a_parent_restricted_from_one_pupil_is_offered_no_letter_about_the_incident(
    database: Database, actor: User
) -> None:
    _import(database, actor, september())
    david = _id(database, mis_id="102")
    amara, tobi = _id(database, upn=upn(1)), _id(database, upn=upn(2))
    with database.write(actor) as s:
        link = s.scalars(
            select(ParentChildLink).where(
                ParentChildLink.parent_id == david, ParentChildLink.child_id == amara
            )
        ).one()
        set_no_contact(s, actor, link.id, True)
        incident = make_incident(s, actor)
        add_involvement(s, actor, incident.id, amara, InvolvementRole.TARGET)
        add_involvement(s, actor, incident.id, tobi, InvolvementRole.WITNESS)
    with database.read(actor) as s:
        assert "Mr David Okafor" not in [
            r.name for r in recipients(s, incident.id, "child_involved")
        ]
        assert [(n.name, n.child_name) for n in not_offered(s, incident.id, "child_involved")] == [
            ("Mr David Okafor", "Amara Okafor")
        ]


def test_text_that_could_disguise_a_name_or_overflow_a_field_is_not_kept() -> None:
    assert clean("Ann\u202eeoJ\x1b[2J  Smith\t") == "AnneoJ [2J Smith"
    assert clean("1 Oak Road\r\n\x07\nElmford", multiline=True) == "1 Oak Road\nElmford"
    assert printable("Bob\x1b[31m\u202e") == "Bob?[31m"
    long = PupilDraft(
        Position(line=5), upn="", given_name="Al", family_name="x" * 100_001, mis_id="7"
    )
    long.contacts.append(ContactDraft(Position(line=6), given_name="Jo", family_name="y" * 101))
    fine = PupilDraft(Position(line=9), upn="", given_name="Bo", family_name="Lee", mis_id="8")
    fine.contacts.append(ContactDraft(Position(line=10), given_name="Jo", family_name="z" * 101))
    accepted, refused = check_pupils(
        [long, fine], today=__import__("datetime").date(2026, 9, 1), upn_required=False
    )
    assert [r.reason for r in refused] == [
        "The surname is 100,001 characters long; Footprint keeps at most 100."
    ]
    assert refused[0].who.endswith("…") and len(refused[0].who) == 80
    more: list[Refusal] = []
    contacts, _ = merge_contacts(accepted, more, [])
    assert contacts == [] and more[0].reason.endswith(
        "The surname is 101 characters long; Footprint keeps at most 100."
    )


def test_the_mapping_screen_reads_only_the_start_of_a_big_file(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row = "A{:012d},Smith,Anne,6H\n"
    body = "".join(row.format(n) for n in range(200_000))
    path.write_text("UPN,Surname,Forename,Reg Group\n" + body + 'broken,"row\n')
    sample = sniff_csv(path)
    assert sample.headers == ["UPN", "Surname", "Forename", "Reg Group"]
    assert len(sample.rows) == 20 and sample.rows[0] == ["A000000000000", "Smith", "Anne", "6H"]


def test_an_export_with_only_the_first_address_line_moves_nobody(
    database: Database, actor: User
) -> None:
    _import(database, actor, september())
    later = september()
    later.sha256 = "6" * 64
    later.contacts = [replace(c, address=c.address.split("\n")[0]) for c in later.contacts]
    plan = _preview(database, actor, later)
    assert plan.changed == [] and plan.added == []
